<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>AboutDialog</name>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="365" />
      <source>About Qt</source>
      <translation>关于 Qt</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="275" />
      <source>About crmdesk</source>
      <translation>关于 crmdesk</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="326" />
      <source>Component</source>
      <translation>组件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="321" />
      <source>Components and their licences</source>
      <translation>组件及其许可证</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="388" />
      <source>Copied</source>
      <translation>已复制</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="360" />
      <source>Copy Details</source>
      <translation>复制详情</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="363" />
      <source>Copy the version, database and components, e.g. for a support request</source>
      <translation>复制版本、数据库和组件信息，例如用于提交技术支持请求</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="307" />
      <source>Database: {url}</source>
      <translation>数据库：{url}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="326" />
      <source>Licence</source>
      <translation>许可证</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="305" />
      <source>PostgreSQL server</source>
      <translation>PostgreSQL 服务器</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="344" />
      <source>Qt, PySide6 and psycopg are used under the GNU Lesser General Public License v3: you may replace them with versions of your own. Their source code is at &lt;a href="https://download.qt.io/official_releases/"&gt;download.qt.io&lt;/a&gt; and on the projects' home pages.</source>
      <translation>Qt、PySide6 和 psycopg 依据 GNU 宽通用公共许可证第 3 版（LGPL v3）使用：您可以用自己的版本替换它们。其源代码可在 &lt;a href="https://download.qt.io/official_releases/"&gt;download.qt.io&lt;/a&gt; 及各项目主页获取。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="305" />
      <source>SQLite file</source>
      <translation>SQLite 文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="295" />
      <source>The desktop sales CRM for small teams.</source>
      <translation>面向小型团队的桌面销售 CRM。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="326" />
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="292" />
      <source>Version {version}</source>
      <translation>版本 {version}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="310" />
      <source>{kind}, schema {revision}</source>
      <translation>{kind}，数据库结构版本 {revision}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="355" />
      <source>© crmdesk developers. All rights reserved.</source>
      <translation>© crmdesk 开发者。保留所有权利。</translation>
    </message>
  </context>
  <context>
    <name>Actions</name>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="81" />
      <source>&amp;About crmdesk</source>
      <translation>关于 crmdesk(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="89" />
      <source>&amp;Back Up Now…</source>
      <translation>立即备份(&amp;B)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="75" />
      <source>&amp;Find…</source>
      <translation>查找(&amp;F)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="33" />
      <source>&amp;New deal…</source>
      <translation>新建商机(&amp;N)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="39" />
      <source>&amp;Open deal</source>
      <translation>打开商机(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="80" />
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="101" />
      <source>&amp;Redo</source>
      <translation>重做(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="69" />
      <source>&amp;Refresh</source>
      <translation>刷新(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="94" />
      <source>&amp;Restore from Backup…</source>
      <translation>从备份恢复(&amp;R)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="98" />
      <source>&amp;Undo</source>
      <translation>撤销(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="90" />
      <source>Back the database up to a file now</source>
      <translation>立即将数据库备份到文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="65" />
      <source>Close the selected deals as lost</source>
      <translation>将所选商机关闭为输单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="59" />
      <source>Close the selected deals as won</source>
      <translation>将所选商机关闭为赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="35" />
      <source>Create a deal</source>
      <translation>新建一个商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="84" />
      <source>E&amp;xport…</source>
      <translation>导出(&amp;X)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="85" />
      <source>Export deals, customers, contacts or activities, or everything</source>
      <translation>导出商机、客户、联系人或活动，或导出全部数据</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="71" />
      <source>Load the latest data</source>
      <translation>加载最新数据</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="63" />
      <source>Mark as &amp;lost…</source>
      <translation>标记为输单(&amp;L)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="57" />
      <source>Mark as &amp;won…</source>
      <translation>标记为赢单(&amp;W)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="47" />
      <source>Move the selected cards one stage back</source>
      <translation>将所选卡片移回上一阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="53" />
      <source>Move the selected cards one stage on</source>
      <translation>将所选卡片推进到下一阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="51" />
      <source>Move to &amp;next stage</source>
      <translation>移至下一阶段(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="45" />
      <source>Move to &amp;previous stage</source>
      <translation>移至上一阶段(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="41" />
      <source>Open the selected deal</source>
      <translation>打开所选商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="95" />
      <source>Put a backup in place of this database</source>
      <translation>用备份替换当前数据库</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/actions.py" line="77" />
      <source>Search the board</source>
      <translation>在看板中搜索</translation>
    </message>
  </context>
  <context>
    <name>ActivitiesView</name>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="81" />
      <source>About</source>
      <translation>关联</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="81" />
      <source>Activity</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="131" />
      <source>Done</source>
      <translation>完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="81" />
      <source>Due</source>
      <translation>截止时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="75" />
      <source>Mark done</source>
      <translation>标记为完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="132" />
      <source>Mark this activity done</source>
      <translation>将此活动标记为完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="61" />
      <source>My day</source>
      <translation>我的一天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="91" />
      <source>Next 7 days</source>
      <translation>未来 7 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="89" />
      <source>Overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="90" />
      <source>Today</source>
      <translation>今天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="69" />
      <source>Whole team</source>
      <translation>整个团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/activities_view.py" line="153" />
      <source>no due time</source>
      <translation>无截止时间</translation>
    </message>
  </context>
  <context>
    <name>ActivityDialog</name>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="725" />
      <source>Due</source>
      <translation>截止时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="719" />
      <source>Enter a subject.</source>
      <translation>请输入主题。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="722" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="710" />
      <source>New activity</source>
      <translation>新建活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="723" />
      <source>Subject</source>
      <translation>主题</translation>
    </message>
  </context>
  <context>
    <name>AddUserDialog</name>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="657" />
      <source>Add User</source>
      <translation>添加用户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="671" />
      <source>At least {n} characters</source>
      <translation>至少 {n} 个字符</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="757" />
      <source>Close Without Password</source>
      <translation>不设密码并关闭</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="680" />
      <source>Confirm password</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="676" />
      <source>E-mail</source>
      <translation>电子邮箱</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="674" />
      <source>Login</source>
      <translation>登录名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="675" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="664" />
      <source>Optional</source>
      <translation>可选</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="678" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="677" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="755" />
      <source>Set Password</source>
      <translation>设置密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="683" />
      <source>You may leave the password empty only on a single-user database on this PC. As soon as any user has a password, everyone signs in, and a user without one cannot.</source>
      <translation>只有在本机的单用户数据库上才可以不设密码。一旦有任何用户设置了密码，所有人都需要登录，没有密码的用户将无法登录。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="662" />
      <source>e.g. Jane Doe</source>
      <translation>例如：张伟</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="660" />
      <source>e.g. jane.doe</source>
      <translation>例如：zhang.wei</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="738" />
      <source>{login} was added, but without a password: {problem} Try again, or set it later with Reset Password.</source>
      <translation>已添加 {login}，但未设置密码：{problem} 请重试，或稍后通过“重置密码”设置。</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <location filename="../../crmdesk/ui/app.py" line="152" />
      <source>Database on a network share</source>
      <translation>数据库位于网络共享上</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/app.py" line="205" />
      <source>The automatic backup failed: {reason}</source>
      <translation>自动备份失败：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/app.py" line="132" />
      <source>crmdesk cannot open the database</source>
      <translation>crmdesk 无法打开数据库</translation>
    </message>
  </context>
  <context>
    <name>BoardView</name>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="313" />
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="231" />
      <source>Clear filters</source>
      <translation>清除筛选</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="229" />
      <source>Close from: any</source>
      <translation>成交日期起：不限</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="230" />
      <source>Close to: any</source>
      <translation>成交日期止：不限</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="308" />
      <source>Everyone</source>
      <translation>所有人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="309" />
      <source>Me</source>
      <translation>我</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="235" />
      <source>Owner</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="218" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="226" />
      <source>Search title or customer…</source>
      <translation>搜索标题或客户…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="237" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="222" />
      <source>The pipeline the board shows</source>
      <translation>看板显示的销售流程</translation>
    </message>
  </context>
  <context>
    <name>CardDelegate</name>
    <message>
      <location filename="../../crmdesk/ui/board/delegate.py" line="126" />
      <source>No customer</source>
      <translation>无客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/delegate.py" line="168" />
      <source>no next step</source>
      <translation>无下一步</translation>
    </message>
  </context>
  <context>
    <name>Charts</name>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="721" />
      <source>% of target</source>
      <translation>目标百分比</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="864" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="629" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="486" />
      <source>Average days</source>
      <translation>平均天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="511" />
      <source>Days</source>
      <translation>天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="444" />
      <source>Deals created in the period that reached the stage</source>
      <translation>本期间创建且到达该阶段的商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="833" />
      <source>Done activities per week, by kind</source>
      <translation>每周已完成活动（按类型）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="558" />
      <source>Forecast at month start</source>
      <translation>月初预测</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="523" />
      <source>Forecast: past months against actual, coming months by weighting</source>
      <translation>预测：过去各月对比实际，未来各月按加权</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="370" />
      <source>Funnel</source>
      <translation>漏斗</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="372" />
      <source>Funnel: {name} and the team</source>
      <translation>漏斗：{name} 与团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="487" />
      <source>Median days</source>
      <translation>中位天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="615" />
      <source>Monthly target {amount}</source>
      <translation>月度目标 {amount}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="816" />
      <source>New customers</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="774" />
      <source>New customers per month, by source</source>
      <translation>每月新客户（按来源）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="583" />
      <source>Open amount</source>
      <translation>进行中金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="529" />
      <source>Overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="455" />
      <source>Stage efficiency: days in stage and conversion</source>
      <translation>阶段转化效率：阶段停留天数与转化率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="662" />
      <source>Targets {start} – {end}</source>
      <translation>目标 {start} – {end}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="652" />
      <source>Targets: attainment and where you should be by today</source>
      <translation>目标：达成率及截至今天应达到的进度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="863" />
      <source>Week starting</source>
      <translation>周起始日</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="585" />
      <source>Weighted by history</source>
      <translation>按历史加权</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="584" />
      <source>Weighted by stage</source>
      <translation>按阶段加权</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="375" />
      <source>Won</source>
      <translation>赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="762" />
      <source>Won amount</source>
      <translation>赢单金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="731" />
      <source>Won amount per salesperson</source>
      <translation>各销售代表赢单金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="666" />
      <source>attainment, and the mark where you should be by today</source>
      <translation>达成率，标记为截至今天应达到的位置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="491" />
      <source>won</source>
      <translation>赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/charts.py" line="796" />
      <source>{source} ({rate} won)</source>
      <translation>{source}（赢单率 {rate}）</translation>
    </message>
  </context>
  <context>
    <name>ConnectDialog</name>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="281" />
      <source>Choose a database file.</source>
      <translation>请选择数据库文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="183" />
      <source>Choose…</source>
      <translation>选择…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="173" />
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="251" />
      <source>Database file</source>
      <translation>数据库文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="202" />
      <source>Database:</source>
      <translation>数据库：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="279" />
      <source>Fill in the server, the database and the server user.</source>
      <translation>请填写服务器、数据库和服务器用户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="206" />
      <source>No password is stored: when the server asks for one, crmdesk asks you when it connects. crmdesk connects to the new database when it starts next.</source>
      <translation>不会保存密码：如果服务器要求密码，crmdesk 会在连接时向您询问。crmdesk 将在下次启动时连接到新数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="177" />
      <source>On this PC (one user)</source>
      <translation>在本机（单用户）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="201" />
      <source>Port:</source>
      <translation>端口：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="203" />
      <source>Server user:</source>
      <translation>服务器用户：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="200" />
      <source>Server:</source>
      <translation>服务器：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="178" />
      <source>Team server (PostgreSQL, shared by the team)</source>
      <translation>团队服务器（PostgreSQL，团队共享）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="982" />
      <source>Use This Database</source>
      <translation>使用此数据库</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="253" />
      <source>crmdesk database (*.sqlite3)</source>
      <translation>crmdesk 数据库 (*.sqlite3)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="193" />
      <source>for example sales-pc or 192.168.1.20</source>
      <translation>例如 sales-pc 或 192.168.1.20</translation>
    </message>
  </context>
  <context>
    <name>CustomerDialog</name>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="70" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="65" />
      <source>Company</source>
      <translation>公司</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="68" />
      <source>E-mail</source>
      <translation>电子邮箱</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="61" />
      <source>Edit customer</source>
      <translation>编辑客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="66" />
      <source>Industry</source>
      <translation>行业</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="61" />
      <source>New customer</source>
      <translation>新建客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="87" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="67" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="69" />
      <source>Website</source>
      <translation>网站</translation>
    </message>
  </context>
  <context>
    <name>CustomersView</name>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="298" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="288" />
      <source>Add contact…</source>
      <translation>添加联系人…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="260" />
      <source>Choose a customer</source>
      <translation>请选择客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="176" />
      <source>Company</source>
      <translation>公司</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="286" />
      <source>Contacts</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="295" />
      <source>Deals</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="276" />
      <source>E-mail</source>
      <translation>电子邮箱</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="262" />
      <source>Edit…</source>
      <translation>编辑…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="177" />
      <source>Industry</source>
      <translation>行业</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="197" />
      <source>Lifetime value</source>
      <translation>终身价值</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="389" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="389" />
      <source>New contact</source>
      <translation>新建联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="214" />
      <source>New customer…</source>
      <translation>新建客户…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="185" />
      <source>Open deals</source>
      <translation>进行中商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="182" />
      <source>Owner</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="275" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="212" />
      <source>Search customers…</source>
      <translation>搜索客户…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="179" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/customers_view.py" line="191" />
      <source>Won</source>
      <translation>赢单</translation>
    </message>
  </context>
  <context>
    <name>DatabaseOpen</name>
    <message>
      <source>cannot be created ({detail})</source>
      <translation>无法创建（{detail}）</translation>
    </message>
    <message>
      <source>cannot be opened ({detail})</source>
      <translation>无法打开（{detail}）</translation>
    </message>
    <message>
      <source>cannot be read ({detail})</source>
      <translation>无法读取（{detail}）</translation>
    </message>
    <message>
      <source>cannot be used ({detail})</source>
      <translation>无法使用（{detail}）</translation>
    </message>
    <message>
      <source>cannot connect ({detail})</source>
      <translation>无法连接（{detail}）</translation>
    </message>
    <message>
      <source>could not be prepared ({detail})</source>
      <translation>无法完成准备（{detail}）</translation>
    </message>
    <message>
      <source>does not exist or holds no crmdesk data</source>
      <translation>不存在或不含 crmdesk 数据</translation>
    </message>
    <message>
      <source>has no schema revision; it was not made by crmdesk</source>
      <translation>没有数据库结构版本，不是由 crmdesk 创建的</translation>
    </message>
    <message>
      <source>has the older schema {revision}; run 'crmdesk migrate' to upgrade it</source>
      <translation>数据库结构版本 {revision} 较旧，请运行 'crmdesk migrate' 升级</translation>
    </message>
    <message>
      <source>holds tables but is not a crmdesk database</source>
      <translation>包含数据表，但不是 crmdesk 数据库</translation>
    </message>
    <message>
      <source>is a folder, not a database file</source>
      <translation>是文件夹，不是数据库文件</translation>
    </message>
    <message>
      <source>is an SQLite file but not a crmdesk database</source>
      <translation>是 SQLite 文件，但不是 crmdesk 数据库</translation>
    </message>
    <message>
      <source>is damaged and cannot be used ({detail})</source>
      <translation>已损坏，无法使用（{detail}）</translation>
    </message>
    <message>
      <source>is not a crmdesk database (not an SQLite file)</source>
      <translation>不是 crmdesk 数据库（不是 SQLite 文件）</translation>
    </message>
    <message>
      <source>was written by a newer crmdesk (schema {revision}; this version knows up to {head}). Install the newer crmdesk to open it.</source>
      <translation>由更新版本的 crmdesk 写入（数据库结构版本 {revision}；此版本最高支持 {head}）。请安装新版 crmdesk 后再打开。</translation>
    </message>
  </context>
  <context>
    <name>DatabasePage</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1022" />
      <source>A file on this PC (SQLite)</source>
      <translation>本机上的文件（SQLite）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1026" />
      <source>Database:</source>
      <translation>数据库：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1027" />
      <source>Kind:</source>
      <translation>类型：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1030" />
      <source>Open next time</source>
      <translation>下次启动时打开</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1013" />
      <source>Open now</source>
      <translation>当前使用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1024" />
      <source>Team server (PostgreSQL)</source>
      <translation>团队服务器（PostgreSQL）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1042" />
      <source>crmdesk will open {url} when it starts next.</source>
      <translation>crmdesk 将在下次启动时打开 {url}。</translation>
    </message>
  </context>
  <context>
    <name>DealDialog</name>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="336" />
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="409" />
      <source>(removed stage)</source>
      <translation>（已删除的阶段）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="482" />
      <source>(removed user)</source>
      <translation>（已删除的用户）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="149" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="319" />
      <source>Add activity…</source>
      <translation>添加活动…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="89" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="142" />
      <source>By</source>
      <translation>操作人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="76" />
      <source>Call</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="663" />
      <source>Call about {title}</source>
      <translation>关于“{title}”的电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="289" />
      <source>Change</source>
      <translation>变更</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="605" />
      <source>Changed by someone else</source>
      <translation>已被他人修改</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="148" />
      <source>Changes</source>
      <translation>变更记录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="299" />
      <source>Changes to the owner, amount, expected close and stage are listed here, with who made them and when.</source>
      <translation>此处列出对负责人、金额、预计成交日期和阶段的修改，以及修改人和修改时间。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="630" />
      <source>Company name</source>
      <translation>公司名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="250" />
      <source>Contact</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="411" />
      <source>Created in {stage}</source>
      <translation>创建于 {stage}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="262" />
      <source>Currency</source>
      <translation>币种</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="240" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="124" />
      <source>Deal: {title}</source>
      <translation>商机：{title}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="135" />
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="78" />
      <source>E-mail</source>
      <translation>邮件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="524" />
      <source>Enter a number, for example 12,300.00.</source>
      <translation>请输入数字，例如 12,300.00。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="90" />
      <source>Expected close</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="289" />
      <source>Field</source>
      <translation>字段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="147" />
      <source>History</source>
      <translation>历史</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="612" />
      <source>Keep my input</source>
      <translation>保留我的输入</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="318" />
      <source>Log a call</source>
      <translation>记录电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="376" />
      <source>Lost: {reason}</source>
      <translation>输单：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="320" />
      <source>Mark done</source>
      <translation>标记为完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="77" />
      <source>Meeting</source>
      <translation>会议</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="434" />
      <source>Moved back</source>
      <translation>已退回</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="644" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="644" />
      <source>New contact</source>
      <translation>新建联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="243" />
      <source>New contact…</source>
      <translation>新建联系人…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="630" />
      <source>New customer</source>
      <translation>新建客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="233" />
      <source>New customer…</source>
      <translation>新建客户…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="126" />
      <source>New deal</source>
      <translation>新建商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="297" />
      <source>No changes recorded yet</source>
      <translation>尚无变更记录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="266" />
      <source>Not set</source>
      <translation>未设置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="80" />
      <source>Note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="272" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="271" />
      <source>Notes about this deal</source>
      <translation>关于此商机的备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="187" />
      <source>Only a manager can reassign a deal.</source>
      <translation>只有经理可以重新分配商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="194" />
      <source>Only the deal's owner or a manager can add activities to it.</source>
      <translation>只有该商机的负责人或经理可以为其添加活动。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="88" />
      <source>Owner</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="543" />
      <source>Pick a customer from the list, or create one.</source>
      <translation>请从列表中选择客户，或新建一个。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="610" />
      <source>Reload their version</source>
      <translation>重新加载对方的版本</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="269" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="91" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="142" />
      <source>Stage change</source>
      <translation>阶段变更</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="79" />
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="198" />
      <source>This deal belongs to {owner}. You can look at it; only its owner or a manager can change it.</source>
      <translation>此商机属于 {owner}。您可以查看，但只有其负责人或经理可以修改。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="142" />
      <source>Time in stage</source>
      <translation>阶段停留时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="226" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="142" />
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="503" />
      <source>done {when}</source>
      <translation>已于 {when} 完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="505" />
      <source>due {when}</source>
      <translation>截止于 {when}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="257" />
      <source>e.g. 12,300.00</source>
      <translation>例如 12,300.00</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="416" />
      <source>import</source>
      <translation>导入</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="507" />
      <source>open</source>
      <translation>未完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="416" />
      <source>unknown</source>
      <translation>未知</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="418" />
      <source>{n} days</source>
      <translation>{n} 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="420" />
      <source>{n} days so far</source>
      <translation>至今 {n} 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deal_dialog.py" line="413" />
      <source>{old} → {new}</source>
      <translation>{old} → {new}</translation>
    </message>
  </context>
  <context>
    <name>DealsView</name>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="101" />
      <source>All deals</source>
      <translation>全部商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="74" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="90" />
      <source>Closed</source>
      <translation>关闭日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="85" />
      <source>Created</source>
      <translation>创建日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="61" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="108" />
      <source>Everyone</source>
      <translation>所有人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="80" />
      <source>Expected close</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="54" />
      <source>Lost</source>
      <translation>输单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="109" />
      <source>Me</source>
      <translation>我</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="52" />
      <source>Open</source>
      <translation>进行中</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="65" />
      <source>Owner</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="114" />
      <source>Search title or customer…</source>
      <translation>搜索标题或客户…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="66" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="68" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="59" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="53" />
      <source>Won</source>
      <translation>赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/deals_view.py" line="153" />
      <source>{n} deals</source>
      <translation>{n} 个商机</translation>
    </message>
  </context>
  <context>
    <name>DemoErrors</name>
    <message>
      <source>the database already holds {count} deals; use a new file for demo data</source>
      <translation>数据库中已有 {count} 个商机，请为演示数据使用新文件</translation>
    </message>
    <message>
      <source>the database has no lost reasons</source>
      <translation>数据库中没有输单原因</translation>
    </message>
    <message>
      <source>the database has no pipeline</source>
      <translation>数据库中没有销售流程</translation>
    </message>
    <message>
      <source>the default pipeline needs open stages, a won and a lost stage</source>
      <translation>默认销售流程需要进行中的阶段，以及赢单和输单阶段</translation>
    </message>
    <message>
      <source>the number of demo deals must be at least 1</source>
      <translation>演示商机数量至少为 1</translation>
    </message>
  </context>
  <context>
    <name>DrillDialog</name>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="60" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="71" />
      <source>Closed</source>
      <translation>关闭日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="66" />
      <source>Created</source>
      <translation>创建日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="49" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="47" />
      <source>Deal</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="93" />
      <source>Double-click a deal to open it.</source>
      <translation>双击商机即可打开。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="74" />
      <source>Expected close</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="54" />
      <source>Salesperson</source>
      <translation>销售代表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="58" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/drill_dialog.py" line="39" />
      <source>{count} deals, {amount} in all</source>
      <translation>共 {count} 个商机，合计 {amount}</translation>
    </message>
  </context>
  <context>
    <name>DropZone</name>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="153" />
      <source>Drop cards here</source>
      <translation>将卡片拖放到此处</translation>
    </message>
  </context>
  <context>
    <name>Errors</name>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="365" />
      <source>A backup of a PostgreSQL database is a JSON dump: name the file .json.gz or .json.</source>
      <translation>PostgreSQL 数据库的备份是 JSON 转储文件：请将文件命名为 .json.gz 或 .json。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="306" />
      <source>A sales rep can see reports for themselves and the team's totals, not for other salespeople.</source>
      <translation>销售代表只能查看自己的报表和团队合计，不能查看其他销售代表的报表。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="240" />
      <source>Already used: {value}.</source>
      <translation>已被使用：{value}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="182" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="233" />
      <source>At most {max} characters.</source>
      <translation>最多 {max} 个字符。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="243" />
      <source>Cannot be added: at most {limit} are allowed.</source>
      <translation>无法添加：最多允许 {limit} 个。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="242" />
      <source>Cannot be changed here: {reason}.</source>
      <translation>无法在此修改：{reason}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="224" />
      <source>Chinese</source>
      <translation>中文</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="199" />
      <source>Close date</source>
      <translation>成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="203" />
      <source>Company</source>
      <translation>公司</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="184" />
      <source>Contact</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="189" />
      <source>Copy stages from</source>
      <translation>复制阶段自</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="195" />
      <source>Currency</source>
      <translation>币种</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="183" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="185" />
      <source>Deal</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="209" />
      <source>Done</source>
      <translation>完成时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="208" />
      <source>Due</source>
      <translation>截止时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="205" />
      <source>E-mail</source>
      <translation>邮箱</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="224" />
      <source>English</source>
      <translation>英文</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="214" />
      <source>Entries</source>
      <translation>条目</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="196" />
      <source>Expected close</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="202" />
      <source>External reference</source>
      <translation>外部编号</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="198" />
      <source>First contact</source>
      <translation>首次接触</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="192" />
      <source>Key</source>
      <translation>键</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="210" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="211" />
      <source>Login</source>
      <translation>登录名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="200" />
      <source>Lost reason</source>
      <translation>输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="215" />
      <source>Measure</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="235" />
      <source>Must be between {min} and {max}.</source>
      <translation>必须介于 {min} 和 {max} 之间。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="238" />
      <source>Must not be before the deal was created.</source>
      <translation>不能早于商机的创建时间。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="239" />
      <source>Must not be in the future.</source>
      <translation>不能是将来的时间。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="234" />
      <source>Must not be negative.</source>
      <translation>不能为负数。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="204" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="225" />
      <source>Name in {language}</source>
      <translation>{language}名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="241" />
      <source>Not valid: {reason}.</source>
      <translation>无效：{reason}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="201" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="301" />
      <source>Only a manager can change the pipeline.</source>
      <translation>只有经理可以修改销售流程。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="302" />
      <source>Only a manager can edit lead sources and lost reasons.</source>
      <translation>只有经理可以编辑线索来源和输单原因。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="299" />
      <source>Only a manager can reassign a customer.</source>
      <translation>只有经理可以重新分配客户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="295" />
      <source>Only a manager can reassign an activity.</source>
      <translation>只有经理可以重新分配活动。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="300" />
      <source>Only a manager can set targets.</source>
      <translation>只有经理可以设置目标。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="314" />
      <source>Only a manager or an admin can export the whole database.</source>
      <translation>只有经理或管理员才能导出整个数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="310" />
      <source>Only a manager or an admin can import data.</source>
      <translation>只有经理或管理员可以导入数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="313" />
      <source>Only a signed-in user can export data.</source>
      <translation>只有已登录的用户才能导出数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="316" />
      <source>Only an admin can back up the database (a backup holds the password hashes).</source>
      <translation>只有管理员才能备份数据库（备份中包含密码哈希）。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="305" />
      <source>Only an admin can change the settings.</source>
      <translation>只有管理员可以修改设置。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="303" />
      <source>Only an admin can change users.</source>
      <translation>只有管理员可以修改用户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="315" />
      <source>Only an admin can export the users' password hashes.</source>
      <translation>只有管理员才能导出用户的密码哈希。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="311" />
      <source>Only an admin can import users.</source>
      <translation>只有管理员可以导入用户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="319" />
      <source>Only an admin can restore a backup.</source>
      <translation>只有管理员才能恢复备份。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="304" />
      <source>Only an admin can set another user's password.</source>
      <translation>只有管理员可以设置其他用户的密码。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="292" />
      <source>Only the activity's owner or a manager can change this activity.</source>
      <translation>只有该活动的负责人或经理可以修改此活动。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="294" />
      <source>Only the activity's owner or a manager can delete this activity.</source>
      <translation>只有该活动的负责人或经理可以删除此活动。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="297" />
      <source>Only the customer's owner or a manager can change this customer.</source>
      <translation>只有该客户的负责人或经理可以修改此客户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="298" />
      <source>Only the customer's owner or a manager can delete this customer.</source>
      <translation>只有该客户的负责人或经理可以删除此客户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="286" />
      <source>Only the deal's owner or a manager can change this deal.</source>
      <translation>只有该商机的负责人或经理可以修改此商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="287" />
      <source>Only the deal's owner or a manager can delete this deal.</source>
      <translation>只有该商机的负责人或经理可以删除此商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="285" />
      <source>Only the deal's owner or a manager can move this deal.</source>
      <translation>只有该商机的负责人或经理可以移动此商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="186" />
      <source>Owner</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="212" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="218" />
      <source>Period end</source>
      <translation>期间结束</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="217" />
      <source>Period start</source>
      <translation>期间开始</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="206" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="187" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="193" />
      <source>Probability</source>
      <translation>概率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="237" />
      <source>Refers to something that is no longer in use.</source>
      <translation>引用的项目已停用。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="236" />
      <source>Refers to something that no longer exists.</source>
      <translation>引用的项目已不存在。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="213" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="194" />
      <source>Rot days</source>
      <translation>停滞天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="197" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="190" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="191" />
      <source>Stages</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="244" />
      <source>Still holds {count} open deals: move or close them first.</source>
      <translation>仍有 {count} 个进行中的商机：请先移走或关闭它们。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="207" />
      <source>Subject</source>
      <translation>主题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="359" />
      <source>That is a folder, not a file.</source>
      <translation>这是一个文件夹，不是文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="381" />
      <source>The copy did not match the original, so nothing was kept.</source>
      <translation>副本与原数据不一致，因此未保留任何内容。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="410" />
      <source>The database cannot be reached right now ({reason}). What you typed is kept: try again when the connection is back.</source>
      <translation>当前无法连接数据库（{reason}）。您输入的内容已保留，请在连接恢复后重试。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="364" />
      <source>The database could not be backed up.</source>
      <translation>无法备份数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="374" />
      <source>The database has a schema this version of crmdesk does not know.</source>
      <translation>该数据库的结构版本无法被此版本的 crmdesk 识别。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="373" />
      <source>The database has an older schema; upgrade it first.</source>
      <translation>该数据库的结构版本较旧，请先升级。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="382" />
      <source>The database refused the data; nothing was written.</source>
      <translation>数据库拒绝了这些数据，未写入任何内容。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="376" />
      <source>The database's tables do not match the dump.</source>
      <translation>数据库的表与转储文件不一致。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="427" />
      <source>The demo data cannot be made: {reason}</source>
      <translation>无法生成演示数据：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="372" />
      <source>The destination database already holds data; use an empty one.</source>
      <translation>目标数据库中已有数据，请使用空数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="371" />
      <source>The destination database cannot be used.</source>
      <translation>无法使用目标数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="375" />
      <source>The dump and the database are at different schema versions.</source>
      <translation>转储文件与数据库的结构版本不同。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="379" />
      <source>The dump does not hold the tables of a crmdesk database.</source>
      <translation>转储文件不包含 crmdesk 数据库的表。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="380" />
      <source>The dump was changed or damaged after it was written.</source>
      <translation>转储文件在写入后被修改或已损坏。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="378" />
      <source>The dump was written by a newer crmdesk; install it to load the dump.</source>
      <translation>转储文件由更新版本的 crmdesk 写入，请安装该版本后再加载。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="357" />
      <source>The file already exists; choose another name or remove it.</source>
      <translation>文件已存在，请换一个名称或将其删除。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="362" />
      <source>The file cannot be read.</source>
      <translation>无法读取文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="363" />
      <source>The file cannot be written.</source>
      <translation>无法写入文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="385" />
      <source>The file format is unknown; use CSV or XLSX.</source>
      <translation>文件格式未知，请使用 CSV 或 XLSX。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="369" />
      <source>The file is in use; close the program that has it open and try again.</source>
      <translation>文件正被使用，请关闭打开它的程序后重试。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="368" />
      <source>The file is not a crmdesk backup.</source>
      <translation>该文件不是 crmdesk 备份。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="377" />
      <source>The file is not a valid crmdesk dump.</source>
      <translation>该文件不是有效的 crmdesk 转储文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="360" />
      <source>The file or database does not exist.</source>
      <translation>文件或数据库不存在。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="358" />
      <source>The folder does not exist or cannot be made.</source>
      <translation>文件夹不存在或无法创建。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="370" />
      <source>The source and the destination are the same.</source>
      <translation>源和目标相同。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="361" />
      <source>The source does not exist or holds no crmdesk data.</source>
      <translation>源不存在或不含 crmdesk 数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="383" />
      <source>The time zone is unknown.</source>
      <translation>时区未知。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="386" />
      <source>There are too many rows for one XLSX sheet; export them as CSV.</source>
      <translation>行数过多，一个 XLSX 工作表容纳不下，请导出为 CSV。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="384" />
      <source>There is no such kind of data to export.</source>
      <translation>没有这类可导出的数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="336" />
      <source>This account is disabled. Ask an admin to enable it.</source>
      <translation>此账户已停用。请联系管理员启用。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="232" />
      <source>This is required.</source>
      <translation>此项为必填项。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="245" />
      <source>This is the default pipeline: make another pipeline the default first.</source>
      <translation>这是默认销售流程：请先将其他销售流程设为默认。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="406" />
      <source>This {what} no longer exists; someone may have deleted it.</source>
      <translation>此{what}已不存在，可能已被他人删除。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="220" />
      <source>Time zone</source>
      <translation>时区</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="181" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="328" />
      <source>Too many wrong passwords in a row for this login. Wait a minute and try again.</source>
      <translation>此登录名连续输错密码次数过多。请等待一分钟后重试。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="331" />
      <source>Too many wrong passwords in a row for this login. Wait {minutes} minutes and try again.</source>
      <translation>此登录名连续输错密码次数过多。请等待 {minutes} 分钟后重试。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="430" />
      <source>Unexpected error: {error}</source>
      <translation>意外错误：{error}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="216" />
      <source>Value</source>
      <translation>值</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="337" />
      <source>Wrong login or password.</source>
      <translation>登录名或密码错误。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="404" />
      <source>You are not allowed to do this.</source>
      <translation>您无权执行此操作。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="296" />
      <source>You can only create customers that you own.</source>
      <translation>您只能创建由自己负责的客户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="288" />
      <source>You can only create deals that you own.</source>
      <translation>您只能创建由自己负责的商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="291" />
      <source>You can only log activities for yourself, on your own deals.</source>
      <translation>您只能为自己、在自己负责的商机上记录活动。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="290" />
      <source>Your user account is unknown or disabled; sign in again.</source>
      <translation>您的用户账户不存在或已停用，请重新登录。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="270" />
      <source>activity</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="398" />
      <source>another user</source>
      <translation>其他用户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="269" />
      <source>contact</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="268" />
      <source>customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="267" />
      <source>deal</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="276" />
      <source>lead source</source>
      <translation>线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="277" />
      <source>lost reason</source>
      <translation>输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="273" />
      <source>pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="278" />
      <source>setting</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="271" />
      <source>stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="272" />
      <source>stage change</source>
      <translation>阶段变更</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="275" />
      <source>target</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="274" />
      <source>user</source>
      <translation>用户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="394" />
      <source>{field}: {problem}</source>
      <translation>{field}：{problem}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="351" />
      <source>{where}: {reason}</source>
      <translation>{where}：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/errors.py" line="399" />
      <source>{who} changed this {what} at {when} while you were looking at it. Reload to see their change.</source>
      <translation>在您查看期间，{who} 于 {when} 修改了此{what}。请重新加载以查看其修改。</translation>
    </message>
  </context>
  <context>
    <name>ExportDialog</name>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="216" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="246" />
      <source>CSV (UTF-8, opens in Excel)</source>
      <translation>CSV（UTF-8，可用 Excel 打开）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="317" />
      <source>CSV file (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="272" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="311" />
      <source>Compressed JSON (*.json.gz);;JSON (*.json)</source>
      <translation>压缩的 JSON (*.json.gz);;JSON (*.json)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="215" />
      <source>Contacts</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="214" />
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="213" />
      <source>Deals</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="217" />
      <source>Everything, as one JSON file</source>
      <translation>全部数据，导出为一个 JSON 文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="314" />
      <source>Excel workbook (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="247" />
      <source>Excel workbook (.xlsx)</source>
      <translation>Excel 工作簿（.xlsx）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="204" />
      <source>Export</source>
      <translation>导出</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="338" />
      <source>Export to</source>
      <translation>导出到</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="384" />
      <source>Exported the whole database to {path} ({size}); the password hashes are {hashes}.</source>
      <translation>已将整个数据库导出到 {path}（{size}）；密码哈希{hashes}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="392" />
      <source>Exported {count} {what} to {path}.</source>
      <translation>已将 {count} 条{what}导出到 {path}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="271" />
      <source>Export…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="243" />
      <source>Format</source>
      <translation>格式</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="254" />
      <source>Include the users' password hashes</source>
      <translation>包含用户的密码哈希</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="257" />
      <source>Needed only to move the users' passwords along. Keep such a file as safe as the database itself.</source>
      <translation>仅在需要一并迁移用户密码时才需要。请像保管数据库本身一样妥善保管此类文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="240" />
      <source>Only a manager or an admin can export the whole database.</source>
      <translation>只有经理或管理员才能导出整个数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="262" />
      <source>Only an admin can export the users' password hashes; they are left out.</source>
      <translation>只有管理员才能导出用户的密码哈希；导出时将不包含密码哈希。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="359" />
      <source>Reading the database…</source>
      <translation>正在读取数据库…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="371" />
      <source>Reading the {what}…</source>
      <translation>正在读取{what}…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="228" />
      <source>The whole database: every deal with its history, the customers, contacts, activities, targets, users and settings. 'crmdesk restore' loads it into an empty database, on this computer or a server.</source>
      <translation>整个数据库：所有商机及其历史记录、客户、联系人、活动、目标、用户和设置。可用 'crmdesk restore' 将其载入本机或服务器上的空数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="209" />
      <source>What to export</source>
      <translation>导出内容</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="363" />
      <source>Writing row {done} of {total}…</source>
      <translation>正在写入第 {done} 行，共 {total} 行…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="389" />
      <source>included</source>
      <translation>已包含在内</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="389" />
      <source>left out</source>
      <translation>未包含在内</translation>
    </message>
  </context>
  <context>
    <name>Format</name>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="23" />
      <source>Activities done</source>
      <translation>已完成活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="21" />
      <source>Deals won</source>
      <translation>赢单商机数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="53" />
      <source>K</source>
      <translation>千</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="51" />
      <source>M</source>
      <translation>百万</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="22" />
      <source>New customers</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="20" />
      <source>Won amount</source>
      <translation>赢单金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="48" />
      <source>{number} × 10,000</source>
      <translation>{number}万</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="45" />
      <source>{number} × 100,000,000</source>
      <translation>{number}亿</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/format.py" line="91" />
      <source>{n} d</source>
      <translation>{n} 天</translation>
    </message>
  </context>
  <context>
    <name>GeneralPage</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="732" />
      <source>Backups to keep</source>
      <translation>保留备份数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="701" />
      <source>Currency</source>
      <translation>货币</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="670" />
      <source>Dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="660" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="669" />
      <source>Light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="687" />
      <source>Light or dark windows, on this PC. It changes at once; printing stays light.</source>
      <translation>本机的窗口使用浅色或深色。更改立即生效；打印始终为浅色。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="663" />
      <source>Menus, messages, and how numbers, dates and money are written. crmdesk switches to a new language when it starts again.</source>
      <translation>菜单、提示信息，以及数字、日期和金额的书写格式。crmdesk 会在重新启动后切换到新语言。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="704" />
      <source>New deals start in this currency, and the board and reports show totals in it. Pick one, or type a 3-letter code such as SGD.</source>
      <translation>新商机默认使用此货币，看板和报表也以此货币显示合计。请从列表中选择，或输入 3 个字母的货币代码，例如 SGD。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="878" />
      <source>Only an admin can change the currency, the time zone and the backups. You can choose the language of this PC.</source>
      <translation>只有管理员可以更改货币、时区和备份设置。您可以选择本机的语言。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="747" />
      <source>Revert</source>
      <translation>还原</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="678" />
      <source>Same as the system</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="674" />
      <source>Same as the system (now dark)</source>
      <translation>跟随系统（当前为深色）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="676" />
      <source>Same as the system (now light)</source>
      <translation>跟随系统（当前为浅色）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="748" />
      <source>Save Changes</source>
      <translation>保存更改</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="936" />
      <source>Saved.</source>
      <translation>已保存。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="958" />
      <source>Saved. crmdesk will speak {language} when it starts next.</source>
      <translation>已保存。crmdesk 将在下次启动时使用{language}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="651" />
      <source>System default ({language})</source>
      <translation>系统默认（{language}）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="720" />
      <source>The reports count days, weeks and months in this zone. Changing it recounts the day of every done activity, which can take a moment.</source>
      <translation>报表按此时区计算日、周和月。更改时区会重新计算每项已完成活动所属的日期，可能需要一些时间。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="948" />
      <source>The theme is saved for this PC.</source>
      <translation>已为本机保存主题。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="684" />
      <source>Theme</source>
      <translation>主题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="647" />
      <source>This PC</source>
      <translation>本机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="717" />
      <source>Time zone</source>
      <translation>时区</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="691" />
      <source>Whole team (this database)</source>
      <translation>整个团队（此数据库）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="735" />
      <source>crmdesk backs the database up once a day and keeps this many of the newest backups; older ones are deleted.</source>
      <translation>crmdesk 每天备份一次数据库，并保留此数量的最新备份；更早的备份将被删除。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="867" />
      <source>e.g. {amount}</source>
      <translation>例如：{amount}</translation>
    </message>
  </context>
  <context>
    <name>HelpDialogs</name>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="59" />
      <source> or </source>
      <translation> 或 </translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="107" />
      <source>Other</source>
      <translation>其他</translation>
    </message>
  </context>
  <context>
    <name>ImportFields</name>
    <message>
      <source>a 3-letter currency code</source>
      <translation>3 个字母的货币代码</translation>
    </message>
    <message>
      <source>address</source>
      <translation>地址</translation>
    </message>
    <message>
      <source>call, meeting, email, task or note</source>
      <translation>call（电话）、meeting（会议）、email（邮件）、task（任务）或 note（备注）</translation>
    </message>
    <message>
      <source>e-mail address</source>
      <translation>邮箱地址</translation>
    </message>
    <message>
      <source>for a won or lost deal: the open stage it closed from (default: the first)</source>
      <translation>赢单或输单的商机：关闭前所在的进行中阶段（默认：第一个阶段）</translation>
    </message>
    <message>
      <source>free text notes</source>
      <translation>自由文本备注</translation>
    </message>
    <message>
      <source>phone number</source>
      <translation>电话号码</translation>
    </message>
    <message>
      <source>rep, manager or admin (default rep)</source>
      <translation>rep（销售代表）、manager（经理）或 admin（管理员）（默认 rep）</translation>
    </message>
    <message>
      <source>the company name</source>
      <translation>公司名称</translation>
    </message>
    <message>
      <source>the customer's external id (its external_ref)</source>
      <translation>客户的外部编号（其 external_ref）</translation>
    </message>
    <message>
      <source>the customer's id in the other system (the key for updates)</source>
      <translation>客户在其他系统中的编号（更新时使用的键）</translation>
    </message>
    <message>
      <source>the customer: its company name</source>
      <translation>客户：其公司名称</translation>
    </message>
    <message>
      <source>the deal's external id</source>
      <translation>商机的外部编号</translation>
    </message>
    <message>
      <source>the deal's id in the other system (the key for updates)</source>
      <translation>商机在其他系统中的编号（更新时使用的键）</translation>
    </message>
    <message>
      <source>the deal's title</source>
      <translation>商机标题</translation>
    </message>
    <message>
      <source>the deal's value</source>
      <translation>商机金额</translation>
    </message>
    <message>
      <source>the expected close date</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <source>the first contact (when the deal was created)</source>
      <translation>首次接触（商机的创建时间）</translation>
    </message>
    <message>
      <source>the industry</source>
      <translation>所属行业</translation>
    </message>
    <message>
      <source>the lead source: its name</source>
      <translation>线索来源：其名称</translation>
    </message>
    <message>
      <source>the name shown</source>
      <translation>显示的名称</translation>
    </message>
    <message>
      <source>the person's job title</source>
      <translation>此人的职位</translation>
    </message>
    <message>
      <source>the person's name</source>
      <translation>此人的姓名</translation>
    </message>
    <message>
      <source>the pipeline: its key or name</source>
      <translation>销售流程：其键或名称</translation>
    </message>
    <message>
      <source>the salesperson who owns it: a user's login or name</source>
      <translation>负责的销售代表：用户的登录名或姓名</translation>
    </message>
    <message>
      <source>the sign-in name (the key: a user is found by it)</source>
      <translation>登录名（键：按它查找用户）</translation>
    </message>
    <message>
      <source>the stage: its key or name, or won / lost</source>
      <translation>阶段：其键或名称，或 won / lost</translation>
    </message>
    <message>
      <source>web site</source>
      <translation>网站</translation>
    </message>
    <message>
      <source>what it is about</source>
      <translation>内容</translation>
    </message>
    <message>
      <source>when a won or lost deal closed</source>
      <translation>赢单或输单商机的关闭时间</translation>
    </message>
    <message>
      <source>when an updated deal entered its new open stage (default: now)</source>
      <translation>更新的商机进入新的进行中阶段的时间（默认：现在）</translation>
    </message>
    <message>
      <source>when it is due</source>
      <translation>截止时间</translation>
    </message>
    <message>
      <source>when it was done</source>
      <translation>完成时间</translation>
    </message>
    <message>
      <source>when the customer was added</source>
      <translation>客户的添加时间</translation>
    </message>
    <message>
      <source>whether it is done</source>
      <translation>是否已完成</translation>
    </message>
    <message>
      <source>whether the user may sign in (default yes)</source>
      <translation>用户是否可以登录（默认：是）</translation>
    </message>
    <message>
      <source>why a lost deal was lost: a lost reason's name</source>
      <translation>商机输单的原因：输单原因的名称</translation>
    </message>
  </context>
  <context>
    <name>ImportMessages</name>
    <message>
      <source>, written to {path}</source>
      <translation>，已写入 {path}</translation>
    </message>
    <message>
      <source>Added {count:,} new {what}: {names}.</source>
      <translation>已新增 {count:,} 个{what}：{names}。</translation>
    </message>
    <message>
      <source>Cannot tell the encoding of the file: it is neither UTF-8, UTF-16 nor GB18030/GBK (the first undecodable byte is {byte} on line {line}). Save it from your spreadsheet as "CSV UTF-8", or name the encoding in the mapping ([file] encoding).</source>
      <translation>无法识别文件的编码：它既不是 UTF-8、UTF-16，也不是 GB18030/GBK（第一个无法解码的字节是第 {line} 行的 {byte}）。请在电子表格软件中将其另存为“CSV UTF-8”，或在映射中指定编码（[file] encoding）。</translation>
    </message>
    <message>
      <source>Dry run of {file}: {created:,} to create, {updated:,} to update, {skipped:,} to leave as they are, {rejected:,} with errors. Nothing was written.</source>
      <translation>{file} 试运行结果：将新建 {created:,} 条，将更新 {updated:,} 条，{skipped:,} 条保持不变，{rejected:,} 条有错误。未写入任何数据。</translation>
    </message>
    <message>
      <source>Imported {file}: {created:,} created, {updated:,} updated, {skipped:,} left as they were ({seconds:.1f} s).</source>
      <translation>已导入 {file}：新建 {created:,} 条，更新 {updated:,} 条，{skipped:,} 条保持不变（用时 {seconds:.1f} 秒）。</translation>
    </message>
    <message>
      <source>Imported {file}: {created:,} created, {updated:,} updated, {skipped:,} left as they were; left out because of errors: {rejected:,}{rejects} ({seconds:.1f} s).</source>
      <translation>已导入 {file}：新建 {created:,} 条，更新 {updated:,} 条，{skipped:,} 条保持不变；因错误未导入 {rejected:,} 条{rejects}（用时 {seconds:.1f} 秒）。</translation>
    </message>
    <message>
      <source>Line {line} cannot be read as CSV: {reason}.</source>
      <translation>第 {line} 行无法按 CSV 格式读取：{reason}。</translation>
    </message>
    <message>
      <source>Line {line} has {count:,} columns; at most {max:,} can be imported.</source>
      <translation>第 {line} 行有 {count:,} 列；最多只能导入 {max:,} 列。</translation>
    </message>
    <message>
      <source>Line {line} should hold the column names (the header row), but it is empty; if the names are on another line, give it as header_row in the mapping's [file] table.</source>
      <translation>第 {line} 行应为列名（表头行），但该行为空；如果列名在其他行，请在映射的 [file] 表中用 header_row 指定该行。</translation>
    </message>
    <message>
      <source>Line {line}, column "{column}": the cell holds {length:,} characters; a cell may hold at most {max:,}. The file is probably not the export you meant to import.</source>
      <translation>第 {line} 行，列“{column}”：该单元格有 {length:,} 个字符，而单元格最多只能有 {max:,} 个字符。该文件可能不是您要导入的导出文件。</translation>
    </message>
    <message>
      <source>Nothing was imported: {rejected:,} of the {rows:,} rows of {file} have errors. Correct them, or import the other rows and set the bad ones aside in a rejects file.</source>
      <translation>未导入任何数据：{file} 的 {rows:,} 行中有 {rejected:,} 行存在错误。请修正这些错误，或只导入其余各行，并将有问题的行放入拒绝行文件。</translation>
    </message>
    <message>
      <source>Only a manager or an admin can import data.</source>
      <translation>只有经理或管理员可以导入数据。</translation>
    </message>
    <message>
      <source>Only an admin can import users.</source>
      <translation>只有管理员可以导入用户。</translation>
    </message>
    <message>
      <source>The column "{column}" appears twice in the header (columns {first} and {second}); rename one of them.</source>
      <translation>列“{column}”在表头中出现了两次（第 {first} 列和第 {second} 列）；请重命名其中一列。</translation>
    </message>
    <message>
      <source>The database refused the import ({reason}); nothing was written. Someone may have changed the same records at the same time: try again.</source>
      <translation>数据库拒绝了本次导入（{reason}），未写入任何数据。可能有其他人同时修改了相同的记录，请重试。</translation>
    </message>
    <message>
      <source>The field {field!r} of {entity} is required: map a column to it in [columns], give a [templates] entry or a [defaults] value.</source>
      <translation>{entity} 的字段 {field!r} 为必填项：请在 [columns] 中为其映射一列，或提供 [templates] 条目或 [defaults] 值。</translation>
    </message>
    <message>
      <source>The file cannot be read as an Excel workbook (.xlsx): {reason}.</source>
      <translation>无法将该文件作为 Excel 工作簿（.xlsx）读取：{reason}。</translation>
    </message>
    <message>
      <source>The file cannot be read as {encoding} (the mapping's [file] encoding): byte {byte} on line {line} is not valid in that encoding.</source>
      <translation>无法按 {encoding}（映射中 [file] 的 encoding）读取该文件：第 {line} 行的字节 {byte} 在该编码中无效。</translation>
    </message>
    <message>
      <source>The file has a header row but no data rows: there is nothing to import.</source>
      <translation>文件只有表头行，没有数据行：没有可导入的内容。</translation>
    </message>
    <message>
      <source>The file is a {kind} file, not a CSV file or an Excel workbook (.xlsx).</source>
      <translation>该文件是 {kind} 文件，而不是 CSV 文件或 Excel 工作簿（.xlsx）。</translation>
    </message>
    <message>
      <source>The file is an old Excel workbook (.xls), which cannot be read. Open it in Excel and save it as "Excel Workbook (.xlsx)" or "CSV UTF-8".</source>
      <translation>该文件是旧版 Excel 工作簿（.xls），无法读取。请在 Excel 中打开它，并另存为“Excel 工作簿 (.xlsx)”或“CSV UTF-8”。</translation>
    </message>
    <message>
      <source>The file is empty: there is nothing to import.</source>
      <translation>文件为空：没有可导入的内容。</translation>
    </message>
    <message>
      <source>The file is not a text (CSV) file: it holds binary data (byte {byte} at offset {offset}). Save it from your spreadsheet as CSV or as an Excel workbook (.xlsx).</source>
      <translation>该文件不是文本（CSV）文件：其中包含二进制数据（偏移量 {offset} 处的字节 {byte}）。请在电子表格软件中将其另存为 CSV 或 Excel 工作簿（.xlsx）。</translation>
    </message>
    <message>
      <source>The file is {size_mb} MB; at most {max_mb} MB can be imported at once. Split it into smaller files.</source>
      <translation>文件大小为 {size_mb} MB；一次最多可导入 {max_mb} MB。请将其拆分为多个较小的文件。</translation>
    </message>
    <message>
      <source>The file lacks these columns that the mapping reads: {columns}. Its columns are: {found}.</source>
      <translation>文件缺少映射所需的以下列：{columns}。文件中的列为：{found}。</translation>
    </message>
    <message>
      <source>The file {path} cannot be read ({reason}).</source>
      <translation>无法读取文件 {path}（{reason}）。</translation>
    </message>
    <message>
      <source>The file {path} does not exist.</source>
      <translation>文件 {path} 不存在。</translation>
    </message>
    <message>
      <source>The import of {file} was cancelled; nothing was written.</source>
      <translation>{file} 的导入已取消，未写入任何数据。</translation>
    </message>
    <message>
      <source>The mapping does not say what it imports: add entity = "deals" (or customers, contacts, activities, users) at its top.</source>
      <translation>映射未指明要导入的内容：请在映射开头添加 entity = "deals"（或 customers、contacts、activities、users）。</translation>
    </message>
    <message>
      <source>The mapping file {path} cannot be read ({reason}).</source>
      <translation>无法读取映射文件 {path}（{reason}）。</translation>
    </message>
    <message>
      <source>The mapping file {path} does not exist.</source>
      <translation>映射文件 {path} 不存在。</translation>
    </message>
    <message>
      <source>The mapping is for {mapping_entity}, but you are importing {entity}.</source>
      <translation>该映射用于 {mapping_entity}，但您正在导入的是 {entity}。</translation>
    </message>
    <message>
      <source>The mapping is not valid TOML: {reason}.</source>
      <translation>映射不是有效的 TOML：{reason}。</translation>
    </message>
    <message>
      <source>The rejects file {path} cannot be written ({reason}); nothing was imported.</source>
      <translation>无法写入拒绝行文件 {path}（{reason}），未导入任何数据。</translation>
    </message>
    <message>
      <source>The sheet "{sheet}" has merged cells ({ranges}): only the first cell of a merged range holds its value, so rows would lose data. Unmerge the cells in Excel and save the file again.</source>
      <translation>工作表“{sheet}”包含合并单元格（{ranges}）：合并区域中只有第一个单元格保存值，因此部分行会丢失数据。请在 Excel 中取消合并这些单元格，然后重新保存文件。</translation>
    </message>
    <message>
      <source>The workbook has no sheet named "{sheet}"; its sheets are {sheets}.</source>
      <translation>工作簿中没有名为“{sheet}”的工作表；现有工作表为 {sheets}。</translation>
    </message>
    <message>
      <source>The workbook has no sheet to import.</source>
      <translation>工作簿中没有可导入的工作表。</translation>
    </message>
    <message>
      <source>The workbook has {count} sheets ({sheets}); name the one to import with sheet = "..." in the [file] table of the mapping.</source>
      <translation>工作簿有 {count} 个工作表（{sheets}）；请在映射的 [file] 表中用 sheet = "..." 指定要导入的工作表。</translation>
    </message>
    <message>
      <source>Would add {count:,} new {what}: {names}.</source>
      <translation>将新增 {count:,} 个{what}：{names}。</translation>
    </message>
    <message>
      <source>a record with the external id {value!r} already exists; to update it, name this column as the mapping's key</source>
      <translation>外部 ID 为 {value!r} 的记录已存在；如需更新该记录，请在映射中将此列设为键（key）</translation>
    </message>
    <message>
      <source>a {outcome} deal needs its close date ({field})</source>
      <translation>状态为 {outcome} 的商机需要填写成交日期（{field}）</translation>
    </message>
    <message>
      <source>a {outcome} deal needs its first-contact date ({field}) so that its sales cycle is right</source>
      <translation>状态为 {outcome} 的商机需要填写首次接触日期（{field}），以便正确计算销售周期</translation>
    </message>
    <message>
      <source>an activity needs a deal or a customer</source>
      <translation>活动必须关联商机或客户</translation>
    </message>
    <message>
      <source>customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>lead sources</source>
      <translation>线索来源</translation>
    </message>
    <message>
      <source>lost reasons</source>
      <translation>输单原因</translation>
    </message>
    <message>
      <source>nobody is called {value!r} (no user has that login or name)</source>
      <translation>找不到名为 {value!r} 的人（没有用户使用该登录名或姓名）</translation>
    </message>
    <message>
      <source>nobody is called {value!r}, and only an admin can add users; ask an admin to import this file or to add the user first</source>
      <translation>找不到名为 {value!r} 的人，且只有管理员可以添加用户；请让管理员导入此文件，或先添加该用户</translation>
    </message>
    <message>
      <source>owners (users without a password)</source>
      <translation>负责人（无密码的用户）</translation>
    </message>
    <message>
      <source>the close date {closed} is before the first contact {created}</source>
      <translation>成交日期 {closed} 早于首次接触日期 {created}</translation>
    </message>
    <message>
      <source>the deal is already {outcome} on {current}; an import does not change the close date of a closed deal (move it in crmdesk instead)</source>
      <translation>该商机已于 {current} 关闭（{outcome}）；导入不会更改已关闭商机的成交日期（请改在 crmdesk 中移动该商机）</translation>
    </message>
    <message>
      <source>the deal is in the pipeline {current}; an import cannot move it to {value}</source>
      <translation>该商机属于销售流程 {current}；导入无法将其移至 {value}</translation>
    </message>
    <message>
      <source>the deal is open ({stage}), so it has no close date; leave {field} empty or give a won or lost stage</source>
      <translation>该商机处于进行中（{stage}），因此没有成交日期；请将 {field} 留空，或指定赢单或输单阶段</translation>
    </message>
    <message>
      <source>the deal {deal!r} belongs to another customer</source>
      <translation>商机 {deal!r} 属于其他客户</translation>
    </message>
    <message>
      <source>the deal's pipeline is no longer in use, so its stage cannot change</source>
      <translation>该商机所属的销售流程已停用，因此无法更改其阶段</translation>
    </message>
    <message>
      <source>the new stage's date {at} is before the deal entered its current stage ({entered}); history cannot run backwards</source>
      <translation>新阶段的日期 {at} 早于该商机进入当前阶段的时间（{entered}）；历史记录不能倒退</translation>
    </message>
    <message>
      <source>the row has {count} cells but the header only {header}; a value with a comma may need quotes</source>
      <translation>该行有 {count} 个单元格，但表头只有 {header} 个；含逗号的值可能需要加引号</translation>
    </message>
    <message>
      <source>the same {what} {value!r} already appears on line {first_line}</source>
      <translation>相同的 {value!r}（{what}）已在第 {first_line} 行出现过</translation>
    </message>
    <message>
      <source>the same {what} {value!r} already appears on line {first_line}, with other values in {columns}; keep one of the two rows</source>
      <translation>相同的 {value!r}（{what}）已在第 {first_line} 行出现过，且 {columns} 中的值不同；请只保留其中一行</translation>
    </message>
    <message>
      <source>there is no customer {value!r}</source>
      <translation>不存在客户 {value!r}</translation>
    </message>
    <message>
      <source>there is no deal with the external id {value!r}</source>
      <translation>不存在外部 ID 为 {value!r} 的商机</translation>
    </message>
    <message>
      <source>there is no lead source {value!r}</source>
      <translation>不存在线索来源 {value!r}</translation>
    </message>
    <message>
      <source>there is no lost reason {value!r}</source>
      <translation>不存在输单原因 {value!r}</translation>
    </message>
    <message>
      <source>this would leave the database without an active admin</source>
      <translation>这将导致数据库中没有处于启用状态的管理员</translation>
    </message>
    <message>
      <source>{count} customers are called {value!r}; map a column to customer_ref (the customer's external id) to tell them apart</source>
      <translation>有 {count} 个客户名为 {value!r}；请将一列映射到 customer_ref（客户的外部 ID）以便区分</translation>
    </message>
    <message>
      <source>{count} users are called {value!r}; give the login instead</source>
      <translation>有 {count} 个用户名为 {value!r}；请改用登录名</translation>
    </message>
    <message>
      <source>{field} is required but the cell is empty</source>
      <translation>{field} 为必填项，但单元格为空</translation>
    </message>
    <message>
      <source>{field} is {length:,} characters long; at most {max:,} are allowed</source>
      <translation>{field} 长度为 {length:,} 个字符；最多允许 {max:,} 个字符</translation>
    </message>
    <message>
      <source>{value!r} already appears on line {first_line}</source>
      <translation>{value!r} 已在第 {first_line} 行出现过</translation>
    </message>
    <message>
      <source>{value!r} already appears on line {first_line}, with other values in {columns}; keep one of the two rows</source>
      <translation>{value!r} 已在第 {first_line} 行出现过，且 {columns} 中的值不同；请只保留其中一行</translation>
    </message>
    <message>
      <source>{value!r} already exists and the mapping says existing = "error"</source>
      <translation>{value!r} 已存在，而映射中设置了 existing = "error"</translation>
    </message>
    <message>
      <source>{value!r} has more than 2 decimal places</source>
      <translation>{value!r} 的小数位数超过 2 位</translation>
    </message>
    <message>
      <source>{value!r} is a disabled user</source>
      <translation>{value!r} 是已停用的用户</translation>
    </message>
    <message>
      <source>{value!r} is negative; an amount must be 0 or more</source>
      <translation>{value!r} 为负数；金额必须大于或等于 0</translation>
    </message>
    <message>
      <source>{value!r} is neither yes nor no</source>
      <translation>{value!r} 既不是“是”也不是“否”</translation>
    </message>
    <message>
      <source>{value!r} is not a 3-letter currency code such as USD or CNY</source>
      <translation>{value!r} 不是 3 位字母的币种代码（如 USD 或 CNY）</translation>
    </message>
    <message>
      <source>{value!r} is not a date in one of the forms {formats}</source>
      <translation>{value!r} 不是以下任一格式的日期：{formats}</translation>
    </message>
    <message>
      <source>{value!r} is not a number</source>
      <translation>{value!r} 不是数字</translation>
    </message>
    <message>
      <source>{value!r} is not a pipeline (the pipelines: {allowed})</source>
      <translation>{value!r} 不是销售流程（现有销售流程：{allowed}）</translation>
    </message>
    <message>
      <source>{value!r} is not a stage of the pipeline {pipeline} (its stages: {allowed})</source>
      <translation>{value!r} 不是销售流程 {pipeline} 中的阶段（其阶段为：{allowed}）</translation>
    </message>
    <message>
      <source>{value!r} is not a valid login (letters, digits and . _ @ - only)</source>
      <translation>{value!r} 不是有效的登录名（只能包含字母、数字和 . _ @ -）</translation>
    </message>
    <message>
      <source>{value!r} is not an e-mail address</source>
      <translation>{value!r} 不是电子邮件地址</translation>
    </message>
    <message>
      <source>{value!r} is not an open stage of the pipeline {pipeline}</source>
      <translation>{value!r} 不是销售流程 {pipeline} 中的进行中阶段</translation>
    </message>
    <message>
      <source>{value!r} is not between the years {first} and {last}</source>
      <translation>{value!r} 不在 {first} 年至 {last} 年之间</translation>
    </message>
    <message>
      <source>{value!r} is not one of {allowed}</source>
      <translation>{value!r} 不是以下值之一：{allowed}</translation>
    </message>
    <message>
      <source>{value!r} is too large (at most {max})</source>
      <translation>{value!r} 过大（最大为 {max}）</translation>
    </message>
    <message>
      <source>{value} is in the future</source>
      <translation>{value} 晚于当前时间</translation>
    </message>
    <message>
      <source>{where}: expected {expected}, found {found}.</source>
      <translation>{where}：应为 {expected}，实际为 {found}。</translation>
    </message>
    <message>
      <source>{where}: the delimiter must be one character, not {value!r}.</source>
      <translation>{where}：分隔符必须是单个字符，不能是 {value!r}。</translation>
    </message>
    <message>
      <source>{where}: the field {field!r} is already read from the column {other!r}; a field comes from one column.</source>
      <translation>{where}：字段 {field!r} 已从列 {other!r} 读取；一个字段只能来自一列。</translation>
    </message>
    <message>
      <source>{where}: the key column {value!r} must be mapped to the field {field!r} in [columns].</source>
      <translation>{where}：键列 {value!r} 必须在 [columns] 中映射到字段 {field!r}。</translation>
    </message>
    <message>
      <source>{where}: the template {value!r} is not valid ({reason}).</source>
      <translation>{where}：模板 {value!r} 无效（{reason}）。</translation>
    </message>
    <message>
      <source>{where}: unknown encoding {value!r}.</source>
      <translation>{where}：未知编码 {value!r}。</translation>
    </message>
    <message>
      <source>{where}: unknown kind of record {value!r}; choose {allowed}.</source>
      <translation>{where}：未知的记录类型 {value!r}；请从 {allowed} 中选择。</translation>
    </message>
    <message>
      <source>{where}: unknown setting; the settings are {allowed}.</source>
      <translation>{where}：未知的设置项；可用的设置项为 {allowed}。</translation>
    </message>
    <message>
      <source>{where}: unknown time zone {value!r}.</source>
      <translation>{where}：未知时区 {value!r}。</translation>
    </message>
    <message>
      <source>{where}: {entity} cannot be updated by a key column.</source>
      <translation>{where}：{entity} 不能通过键列更新。</translation>
    </message>
    <message>
      <source>{where}: {reason}.</source>
      <translation>{where}：{reason}。</translation>
    </message>
    <message>
      <source>{where}: {value!r} is not a date format ({reason}).</source>
      <translation>{where}：{value!r} 不是有效的日期格式（{reason}）。</translation>
    </message>
    <message>
      <source>{where}: {value!r} is not a field of {entity}; the fields are {allowed}.</source>
      <translation>{where}：{value!r} 不是 {entity} 的字段；可用字段为 {allowed}。</translation>
    </message>
    <message>
      <source>{where}: {value!r} is not allowed; choose {allowed}.</source>
      <translation>{where}：不允许使用 {value!r}；请从 {allowed} 中选择。</translation>
    </message>
  </context>
  <context>
    <name>ImportWizard</name>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1351" />
      <source> and written to {path}.</source>
      <translation>，已写入 {path}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="835" />
      <source> · the first {n} rows</source>
      <translation> · 前 {n} 行</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="551" />
      <source>A dry run: every row is checked against the database, and nothing is written.</source>
      <translation>试运行：逐行对照数据库进行检查，不会写入任何数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="892" />
      <source>Active</source>
      <translation>启用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="368" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="525" />
      <source>Add new customers</source>
      <translation>添加新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="527" />
      <source>Add new lead sources</source>
      <translation>添加新线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="528" />
      <source>Add new lost reasons</source>
      <translation>添加新输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="526" />
      <source>Add new owners as users (admin only)</source>
      <translation>将新负责人添加为用户（仅限管理员）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="882" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1289" />
      <source>All {rows:,} rows can be imported. Nothing has been written yet.</source>
      <translation>全部 {rows:,} 行均可导入。目前尚未写入任何数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="868" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1006" />
      <source>As written</source>
      <translation>按原值</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="507" />
      <source>Automatic (2024-03-31)</source>
      <translation>自动（2024-03-31）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="629" />
      <source>Back</source>
      <translation>上一步</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="434" />
      <source>Bar ( | )</source>
      <translation>竖线 ( | )</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="391" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1368" />
      <source>CSV files (*.csv);;Excel workbooks (*.xlsx)</source>
      <translation>CSV 文件 (*.csv);;Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="368" />
      <source>Calls, meetings, tasks and notes</source>
      <translation>电话、会议、任务和备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="633" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="716" />
      <source>Cancel Import</source>
      <translation>取消导入</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1380" />
      <source>Cancelling… nothing will be written.</source>
      <translation>正在取消…不会写入任何数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="321" />
      <source>Check</source>
      <translation>检查</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1251" />
      <source>Checking row {done:,} of {total:,}…</source>
      <translation>正在检查第 {done:,} 行，共 {total:,} 行…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1225" />
      <source>Checking the rows…</source>
      <translation>正在检查各行…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="389" />
      <source>Choose a .csv or .xlsx file…</source>
      <translation>选择 .csv 或 .xlsx 文件…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="732" />
      <source>Choose the File to Import</source>
      <translation>选择要导入的文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="469" />
      <source>Choose the crmdesk field each column goes into. crmdesk guessed from the column names (English or Chinese); fields marked * are required. Columns set to “Don’t import” are left out.</source>
      <translation>为每一列选择要导入到的 crmdesk 字段。crmdesk 已根据列名（英文或中文）自动推测；标有 * 的字段为必填项。设为“不导入”的列将被忽略。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="353" />
      <source>Choose the kind of records and the file. crmdesk reads CSV files (any encoding, comma, semicolon or tab separated) and Excel workbooks (.xlsx). Nothing is written until the last step.</source>
      <translation>请选择记录类型和文件。crmdesk 可读取 CSV 文件（任意编码，以逗号、分号或制表符分隔）和 Excel 工作簿（.xlsx）。在最后一步之前不会写入任何数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="703" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="873" />
      <source>Close date</source>
      <translation>成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="574" />
      <source>Column</source>
      <translation>列</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="490" />
      <source>Column in the file</source>
      <translation>文件中的列</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="443" />
      <source>Column names on line:</source>
      <translation>列名所在行：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="320" />
      <source>Columns</source>
      <translation>列</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="431" />
      <source>Comma ( , )</source>
      <translation>逗号 ( , )</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="366" />
      <source>Companies you sell to</source>
      <translation>您销售的对象公司</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="877" />
      <source>Company</source>
      <translation>公司</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="367" />
      <source>Contacts</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="872" />
      <source>Created / first contact</source>
      <translation>创建 / 首次接触日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="869" />
      <source>Currency</source>
      <translation>币种</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="862" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="863" />
      <source>Customer external ID</source>
      <translation>客户外部 ID</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="366" />
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="504" />
      <source>Dates</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="886" />
      <source>Deal external ID</source>
      <translation>商机外部 ID</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="365" />
      <source>Deals</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="442" />
      <source>Delimiter:</source>
      <translation>分隔符：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="425" />
      <source>Detect</source>
      <translation>自动检测</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="889" />
      <source>Done</source>
      <translation>已完成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="888" />
      <source>Done at</source>
      <translation>完成时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="887" />
      <source>Due</source>
      <translation>截止时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="880" />
      <source>E-mail</source>
      <translation>电子邮件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="441" />
      <source>Encoding:</source>
      <translation>编码：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="490" />
      <source>Example</source>
      <translation>示例</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="762" />
      <source>Excel workbook</source>
      <translation>Excel 工作簿</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="825" />
      <source>Excel workbook, sheet “{sheet}”</source>
      <translation>Excel 工作簿，工作表“{sheet}”</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="870" />
      <source>Expected close</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="860" />
      <source>External ID</source>
      <translation>外部 ID</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="318" />
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="396" />
      <source>File:</source>
      <translation>文件：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="511" />
      <source>Format:</source>
      <translation>格式：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="266" />
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="490" />
      <source>Import into</source>
      <translation>导入到</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1114" />
      <source>Import mappings (*.toml)</source>
      <translation>导入映射 (*.toml)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1337" />
      <source>Imported {file}: {created:,} created, {updated:,} updated, {skipped:,} left as they were.</source>
      <translation>已导入 {file}：新建 {created:,} 条，更新 {updated:,} 条，{skipped:,} 条保持不变。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="878" />
      <source>Industry</source>
      <translation>行业</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="884" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="867" />
      <source>Last open stage</source>
      <translation>最后进行中阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="871" />
      <source>Lead source</source>
      <translation>线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="574" />
      <source>Line</source>
      <translation>行号</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="479" />
      <source>Load Mapping…</source>
      <translation>加载映射…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1129" />
      <source>Load a Mapping</source>
      <translation>加载映射</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="890" />
      <source>Login</source>
      <translation>登录名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1042" />
      <source>Lost</source>
      <translation>输单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="874" />
      <source>Lost reason</source>
      <translation>输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="468" />
      <source>Match the columns</source>
      <translation>匹配列</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="883" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="522" />
      <source>Names crmdesk does not know yet</source>
      <translation>crmdesk 中尚不存在的名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="630" />
      <source>Next</source>
      <translation>下一步</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="876" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1331" />
      <source>Nothing was imported: {bad:,} of the {rows:,} rows have errors. Go back to the check to see them.</source>
      <translation>未导入任何数据：{rows:,} 行中有 {bad:,} 行存在错误。请返回检查步骤查看。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="661" />
      <source>Only a manager or an admin can import data. Ask one of them to import this file for you.</source>
      <translation>只有经理或管理员可以导入数据。请让他们为您导入此文件。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="666" />
      <source>Only an admin can import users.</source>
      <translation>只有管理员可以导入用户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="365" />
      <source>Opportunities with their stage, owner and value</source>
      <translation>销售机会及其阶段、负责人和金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="864" />
      <source>Owner</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="367" />
      <source>People at your customers</source>
      <translation>客户公司中的联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="879" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="865" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="319" />
      <source>Preview</source>
      <translation>预览</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="574" />
      <source>Problem</source>
      <translation>问题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="828" />
      <source>Read as {encoding}, {delimiter} separated, {ending} line endings</source>
      <translation>按 {encoding} 编码读取，以{delimiter}分隔，{ending} 换行符</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1234" />
      <source>Reading the file…</source>
      <translation>正在读取文件…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="359" />
      <source>Records</source>
      <translation>记录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1366" />
      <source>Rejects File</source>
      <translation>拒绝行文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="972" />
      <source>Required, but no column goes into it yet: {fields}</source>
      <translation>以下必填字段尚未对应任何列：{fields}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="891" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="480" />
      <source>Save Mapping…</source>
      <translation>保存映射…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1114" />
      <source>Save the Mapping</source>
      <translation>保存映射</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="432" />
      <source>Semicolon ( ; )</source>
      <translation>分号 ( ; )</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="399" />
      <source>Sheet:</source>
      <translation>工作表：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="582" />
      <source>Skip the rows with errors and write them to a rejects file:</source>
      <translation>跳过有错误的行，并将其写入拒绝行文件：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="734" />
      <source>Spreadsheets (*.csv *.xlsx *.txt *.tsv);;All files (*)</source>
      <translation>电子表格 (*.csv *.xlsx *.txt *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="866" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="875" />
      <source>Stage date</source>
      <translation>阶段日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="513" />
      <source>Stages</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="885" />
      <source>Subject</source>
      <translation>主题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="433" />
      <source>Tab</source>
      <translation>制表符</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="762" />
      <source>Text (CSV) file</source>
      <translation>文本（CSV）文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1280" />
      <source>The check was cancelled.</source>
      <translation>检查已取消。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1157" />
      <source>The file has no column {columns}, which the mapping reads.</source>
      <translation>文件中没有映射所需的列 {columns}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="417" />
      <source>The first rows of the file as crmdesk reads them. If the text looks garbled or everything is in one column, choose another encoding or delimiter.</source>
      <translation>以下是 crmdesk 读取到的文件前几行。如果文字显示为乱码，或所有内容都挤在同一列中，请选择其他编码或分隔符。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1328" />
      <source>The import was cancelled. Nothing was written.</source>
      <translation>导入已取消，未写入任何数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1121" />
      <source>The mapping cannot be saved: {reason}</source>
      <translation>无法保存映射：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="604" />
      <source>The rows are written in one go: if you cancel, or anything goes wrong, nothing is written.</source>
      <translation>所有行将一次性写入：如果您取消导入或出现任何错误，将不会写入任何数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="753" />
      <source>There is no file {path}.</source>
      <translation>文件 {path} 不存在。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="861" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="369" />
      <source>Users</source>
      <translation>用户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="881" />
      <source>Website</source>
      <translation>网站</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="352" />
      <source>What do you want to import?</source>
      <translation>您要导入哪类数据？</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="515" />
      <source>What each stage in the file means in crmdesk:</source>
      <translation>文件中的各个阶段对应 crmdesk 中的哪个阶段：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1041" />
      <source>Won</source>
      <translation>赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1253" />
      <source>Writing row {done:,} of {total:,}…</source>
      <translation>正在写入第 {done:,} 行，共 {total:,} 行…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1266" />
      <source>You may not import these records: {reason}</source>
      <translation>您无权导入这些记录：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="369" />
      <source>Your sales team (admins only)</source>
      <translation>您的销售团队（仅限管理员）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="827" />
      <source>comma</source>
      <translation>逗号</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="827" />
      <source>semicolon</source>
      <translation>分号</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="827" />
      <source>tab</source>
      <translation>制表符</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="562" />
      <source>to create</source>
      <translation>将新建</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="563" />
      <source>to update</source>
      <translation>将更新</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="564" />
      <source>unchanged</source>
      <translation>无变化</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="565" />
      <source>with errors</source>
      <translation>有错误</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1296" />
      <source>{bad:,} of the {rows:,} rows have problems. Correct the file and check again, or import the other rows and set the bad ones aside.</source>
      <translation>{rows:,} 行中有 {bad:,} 行存在问题。请修正文件后重新检查，或只导入其余各行，将有问题的行单独剔除。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1347" />
      <source>{bad:,} rows with errors were left out</source>
      <translation>有错误的 {bad:,} 行未导入</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="978" />
      <source>{count} of {total} columns will be imported.</source>
      <translation>将导入 {total} 列中的 {count} 列。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="837" />
      <source>{how} · {columns} columns{more}</source>
      <translation>{how} · {columns} 列{more}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="764" />
      <source>{kind}, {size}.</source>
      <translation>{kind}，{size}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="1416" />
      <source>{n} bytes</source>
      <translation>{n} 字节</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/import_wizard.py" line="926" />
      <source>— Don’t import —</source>
      <translation>— 不导入 —</translation>
    </message>
  </context>
  <context>
    <name>ItemDialog</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2128" />
      <source>Add</source>
      <translation>添加</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2107" />
      <source>Add Lead Source</source>
      <translation>添加线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2107" />
      <source>Add Lost Reason</source>
      <translation>添加输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2121" />
      <source>Chinese name</source>
      <translation>中文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2120" />
      <source>English name</source>
      <translation>英文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2128" />
      <source>Rename</source>
      <translation>重命名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2109" />
      <source>Rename Lead Source</source>
      <translation>重命名线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2109" />
      <source>Rename Lost Reason</source>
      <translation>重命名输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2115" />
      <source>e.g. Webinar</source>
      <translation>例如：Webinar</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2115" />
      <source>e.g. Went with a cheaper offer</source>
      <translation>例如：Went with a cheaper offer</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2118" />
      <source>e.g. 网络研讨会</source>
      <translation>例如：网络研讨会</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2118" />
      <source>e.g. 选择了更便宜的报价</source>
      <translation>例如：选择了更便宜的报价</translation>
    </message>
  </context>
  <context>
    <name>ItemsModel</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1911" />
      <source>Chinese name</source>
      <translation>中文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1910" />
      <source>English name</source>
      <translation>英文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1914" />
      <source>In use</source>
      <translation>使用中</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1923" />
      <source>Not offered for new deals; deals that have it keep it.</source>
      <translation>新商机不再提供此选项；已使用它的商机保持不变。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1914" />
      <source>Retired</source>
      <translation>已停用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1913" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
  </context>
  <context>
    <name>ListEditor</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2006" />
      <source>Added {name}.</source>
      <translation>已添加“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1947" />
      <source>Add…</source>
      <translation>添加…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1999" />
      <source>Bring Back</source>
      <translation>重新启用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2016" />
      <source>Renamed to {name}.</source>
      <translation>已重命名为“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1948" />
      <source>Rename…</source>
      <translation>重命名…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1949" />
      <source>Retire</source>
      <translation>停用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1967" />
      <source>lead source</source>
      <translation>线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1967" />
      <source>lost reason</source>
      <translation>输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2042" />
      <source>{name} is offered again.</source>
      <translation>“{name}”已重新启用。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2044" />
      <source>{name} is retired: no longer offered, and kept on old deals.</source>
      <translation>“{name}”已停用：不再作为选项提供，已有商机中保留不变。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1979" />
      <source>{n} in use, {retired} retired</source>
      <translation>{n} 个使用中，{retired} 个已停用</translation>
    </message>
  </context>
  <context>
    <name>ListsPage</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2067" />
      <source>Lead sources</source>
      <translation>线索来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2066" />
      <source>Lost reasons</source>
      <translation>输单原因</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2080" />
      <source>Only a manager can edit the lost reasons and lead sources. You can see them, but not change them.</source>
      <translation>只有经理可以编辑输单原因和线索来源。您可以查看，但不能更改。</translation>
    </message>
  </context>
  <context>
    <name>LostDialog</name>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="119" />
      <source>A lost reason is required.</source>
      <translation>必须选择输单原因。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="115" />
      <source>Choose a reason…</source>
      <translation>选择原因…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="106" />
      <source>Mark as lost</source>
      <translation>标记为输单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="109" />
      <source>Why was this deal lost?</source>
      <translation>此商机为何输单？</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="111" />
      <source>Why were these {n} deals lost?</source>
      <translation>这 {n} 个商机为何输单？</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="202" />
      <source>&amp;Admin</source>
      <translation>管理(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="174" />
      <source>&amp;Database…</source>
      <translation>数据库(&amp;D)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="190" />
      <source>&amp;Deal</source>
      <translation>商机(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="179" />
      <source>&amp;Edit</source>
      <translation>编辑(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="168" />
      <source>&amp;Export Pack to PDF…</source>
      <translation>将报表包导出为 PDF(&amp;E)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="152" />
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="206" />
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="155" />
      <source>&amp;Import…</source>
      <translation>导入(&amp;I)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="207" />
      <source>&amp;Keyboard Shortcuts</source>
      <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="161" />
      <source>&amp;Print Report…</source>
      <translation>打印报表(&amp;P)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="185" />
      <source>&amp;Settings…</source>
      <translation>设置(&amp;S)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="203" />
      <source>&amp;Users…</source>
      <translation>用户(&amp;U)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="193" />
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="103" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="272" />
      <source>Connection restored</source>
      <translation>连接已恢复</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="277" />
      <source>Connection to the database lost ({reason}); reconnecting…</source>
      <translation>与数据库的连接已断开（{reason}），正在重新连接…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="102" />
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="299" />
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="225" />
      <source>Database: {url}</source>
      <translation>数据库：{url}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="101" />
      <source>Deals</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="428" />
      <source>Deals behind the figure</source>
      <translation>该数字对应的商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="332" />
      <source>Demo data</source>
      <translation>演示数据</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="214" />
      <source>Main toolbar</source>
      <translation>主工具栏</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="100" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="166" />
      <source>Print Pre&amp;view…</source>
      <translation>打印预览(&amp;V)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="164" />
      <source>Print the Management &amp;Pack…</source>
      <translation>打印管理报表包(&amp;P)…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="313" />
      <source>Refreshed {time}</source>
      <translation>已于 {time} 刷新</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="104" />
      <source>Reports</source>
      <translation>报表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="304" />
      <source>The database file {path} is on a network share ({kind}). SQLite databases on shared folders are for one PC at a time: two PCs writing to it at once can damage it. For a team, use a shared PostgreSQL server (see the team setup guide).</source>
      <translation>数据库文件 {path} 位于网络共享上（{kind}）。共享文件夹中的 SQLite 数据库同一时间只能供一台电脑使用：两台电脑同时写入可能会损坏数据库。团队使用请改用共享的 PostgreSQL 服务器（参见团队部署指南）。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="226" />
      <source>User: {name}</source>
      <translation>用户：{name}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="64" />
      <source>crmdesk</source>
      <translation>crmdesk</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="300" />
      <source>crmdesk will open {url} when it starts next.</source>
      <translation>crmdesk 将在下次启动时打开 {url}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/main_window.py" line="235" />
      <source>⚠ Database on a network share: one PC at a time</source>
      <translation>⚠ 数据库位于网络共享上：同一时间仅限一台电脑使用</translation>
    </message>
  </context>
  <context>
    <name>Operations</name>
    <message>
      <location filename="../../crmdesk/ui/operations.py" line="255" />
      <source>Could not undo</source>
      <translation>无法撤销</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/operations.py" line="188" />
      <source>Edit {title}</source>
      <translation>编辑“{title}”</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/operations.py" line="132" />
      <source>Move to {stage}</source>
      <translation>移至“{stage}”</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/operations.py" line="92" />
      <source>Not saved</source>
      <translation>未保存</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/operations.py" line="168" />
      <source>Some deals were not moved</source>
      <translation>部分商机未能移动</translation>
    </message>
  </context>
  <context>
    <name>Pack</name>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="817" />
      <source>= same</source>
      <translation>= 持平</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="146" />
      <source>Activity</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="246" />
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="216" />
      <source>All time</source>
      <translation>全部时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="800" />
      <source>Average deal size</source>
      <translation>平均商机金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="806" />
      <source>Average lifetime value</source>
      <translation>平均客户生命周期价值</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="187" />
      <source>Calls</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="1017" />
      <source>Cannot draw on the printer or file.</source>
      <translation>无法在打印机或文件上绘制。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="975" />
      <source>Change</source>
      <translation>变化</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="798" />
      <source>Close rate</source>
      <translation>成交率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="886" />
      <source>Compared with</source>
      <translation>对比期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="898" />
      <source>Contents</source>
      <translation>目录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="1169" />
      <source>Could not write {path}.</source>
      <translation>无法写入 {path}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="152" />
      <source>Deals created in the period and how far they got: how many reached each stage, the share that went on to the next one, and how many were won. The weakest step is in red.</source>
      <translation>本期间创建的商机及其推进程度：到达各阶段的数量、进入下一阶段的比例，以及赢单数量。最薄弱的环节以红色标出。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="797" />
      <source>Deals lost</source>
      <translation>输单商机数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="796" />
      <source>Deals won</source>
      <translation>赢单商机数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="415" />
      <source>Done activities per salesperson and week</source>
      <translation>各销售代表每周已完成活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="178" />
      <source>Done activities per week, by kind. The tables give them per salesperson and week, then the overdue tasks and the deals that are rotting.</source>
      <translation>按类型统计的每周已完成活动。下方表格依次列出各销售代表每周的活动、逾期任务以及停滞的商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="189" />
      <source>E-mails</source>
      <translation>邮件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="407" />
      <source>Each salesperson and the team</source>
      <translation>各销售代表及团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="166" />
      <source>Each target's attainment so far against 100 %, and a black mark where it should be by today: green is ahead, blue on track, orange behind.</source>
      <translation>各目标截至目前的达成率（以 100% 为满），黑色标记表示截至今天应达到的位置：绿色为超前，蓝色为正常，橙色为落后。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="973" />
      <source>Figure</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="887" />
      <source>Filters</source>
      <translation>筛选条件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="142" />
      <source>Forecast</source>
      <translation>预测</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="221" />
      <source>From {date}</source>
      <translation>自 {date} 起</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="140" />
      <source>Funnel</source>
      <translation>漏斗</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="157" />
      <source>How long deals stay in each open stage (average and median days) and the share that moves on to the next stage; the bottleneck stage is highlighted.</source>
      <translation>商机在各进行中阶段的停留时长（平均天数和中位天数）以及进入下一阶段的比例；瓶颈阶段会突出显示。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="139" />
      <source>Key figures</source>
      <translation>关键指标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="799" />
      <source>Lead conversion</source>
      <translation>线索转化率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="804" />
      <source>Leads without a response</source>
      <translation>未响应线索占比</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="161" />
      <source>Left of the dotted line: each past month's forecast at the start of the month against the amount won. Right: open deals by expected close month, their amount weighted by stage probability and by the team's history.</source>
      <translation>虚线左侧：过去各月月初的预测与实际赢单金额的对比。右侧：按预计成交月份列出的进行中商机，其金额分别按阶段概率和团队历史数据加权。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="888" />
      <source>Made</source>
      <translation>生成时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="917" />
      <source>Made {time} by crmdesk</source>
      <translation>由 crmdesk 于 {time} 生成</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="892" />
      <source>Management pack</source>
      <translation>管理报表包</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="803" />
      <source>Median response time</source>
      <translation>响应时间中位数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="188" />
      <source>Meetings</source>
      <translation>会议</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="145" />
      <source>New customers</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="410" />
      <source>New customers by lead source</source>
      <translation>按线索来源统计的新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="174" />
      <source>New customers per month, stacked by lead source, with each source's share of leads won.</source>
      <translation>每月新客户数，按线索来源堆叠显示，并列出各来源线索的赢单占比。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="191" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="932" />
      <source>Nothing for this period.</source>
      <translation>本期间无数据。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="401" />
      <source>Open deals by expected close</source>
      <translation>按预计成交日期统计的进行中商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="825" />
      <source>Open pipeline (now)</source>
      <translation>进行中销售流程金额（当前）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="398" />
      <source>Open stages</source>
      <translation>进行中阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="417" />
      <source>Overdue tasks</source>
      <translation>逾期任务</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="1115" />
      <source>Page {page} of {count}</source>
      <translation>第 {page} 页，共 {count} 页</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="144" />
      <source>Performance</source>
      <translation>业绩</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="884" />
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="245" />
      <source>Pipeline: {name}</source>
      <translation>销售流程：{name}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="975" />
      <source>Previous period</source>
      <translation>上一期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="1189" />
      <source>Print</source>
      <translation>打印</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="1204" />
      <source>Print preview</source>
      <translation>打印预览</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="995" />
      <source>Rates and amounts are for deals in the period; the pipeline is what is open today. ▲ and ▼ compare with the previous period of the same length: green is better, red is worse.</source>
      <translation>比率和金额针对本期间内的商机；销售流程金额为今天仍在进行中的商机。▲ 和 ▼ 表示与等长的上一期间相比：绿色为改善，红色为下降。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="419" />
      <source>Rotting deals</source>
      <translation>停滞商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="801" />
      <source>Sales cycle (average)</source>
      <translation>销售周期（平均）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="802" />
      <source>Sales cycle (median)</source>
      <translation>销售周期（中位数）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="869" />
      <source>Sales report</source>
      <translation>销售报表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="246" />
      <source>Source: {name}</source>
      <translation>来源：{name}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="141" />
      <source>Stage efficiency</source>
      <translation>阶段转化效率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="143" />
      <source>Targets</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="404" />
      <source>Targets that overlap the period</source>
      <translation>与本期间重叠的目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="190" />
      <source>Tasks</source>
      <translation>任务</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="395" />
      <source>The team and each salesperson</source>
      <translation>团队及各销售代表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="973" />
      <source>This period</source>
      <translation>本期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="920" />
      <source>This period: {period}</source>
      <translation>本期间：{period}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="219" />
      <source>Until {date}</source>
      <translation>截至 {date}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="826" />
      <source>Weighted pipeline (now)</source>
      <translation>加权销售流程金额（当前）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="242" />
      <source>Whole team</source>
      <translation>整个团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="830" />
      <source>Won against target ({actual} of {target})</source>
      <translation>赢单目标达成（{actual} / {target}）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="795" />
      <source>Won amount</source>
      <translation>赢单金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="170" />
      <source>Won amount per salesperson in the period; the table adds the rates, the pipeline and the activity behind it.</source>
      <translation>本期间各销售代表的赢单金额；表格另列出相关比率、销售流程金额及其背后的活动量。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="922" />
      <source>previous period: {period}</source>
      <translation>上一期间：{period}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="785" />
      <source>{n} d</source>
      <translation>{n} 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="788" />
      <source>{n} h</source>
      <translation>{n} 小时</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="820" />
      <source>{n} pts</source>
      <translation>{n} 个百分点</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/printing.py" line="888" />
      <source>{time} by crmdesk</source>
      <translation>{time}，由 crmdesk 生成</translation>
    </message>
  </context>
  <context>
    <name>PasswordDialog</name>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="841" />
      <source>At least {n} characters</source>
      <translation>至少 {n} 个字符</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="845" />
      <source>Confirm password</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="844" />
      <source>New password</source>
      <translation>新密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="829" />
      <source>Reset Password</source>
      <translation>重置密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="847" />
      <source>Set Password</source>
      <translation>设置密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="832" />
      <source>Set a new password for {name} ({login}) and give it to them. Their old password stops working, and a lock after too many wrong passwords is lifted.</source>
      <translation>为 {name}（{login}）设置新密码并告知对方。其旧密码将失效，因密码错误次数过多而导致的锁定也会解除。</translation>
    </message>
  </context>
  <context>
    <name>PipelineDialog</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1680" />
      <source>A copy of the stages of {name}</source>
      <translation>复制“{name}”的阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1660" />
      <source>Add Pipeline</source>
      <translation>添加销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1670" />
      <source>Chinese name</source>
      <translation>中文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1669" />
      <source>English name</source>
      <translation>英文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1697" />
      <source>Rename</source>
      <translation>重命名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1660" />
      <source>Rename Pipeline</source>
      <translation>重命名销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1686" />
      <source>Stages</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1675" />
      <source>The standard stages: Prospecting, Qualification, Quote, Contract</source>
      <translation>标准阶段：寻找客户、资格认定、报价、合同</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1689" />
      <source>Won and Lost always come last. You edit the stages afterwards.</source>
      <translation>赢单和输单始终排在最后。添加后可再编辑各阶段。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1665" />
      <source>e.g. Renewals</source>
      <translation>例如：Renewals</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1668" />
      <source>e.g. 续约</source>
      <translation>例如：续约</translation>
    </message>
  </context>
  <context>
    <name>PipelinePage</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1243" />
      <source>A new pipeline, starting with the standard stages or a copy of another's</source>
      <translation>新建销售流程，以标准阶段或复制其他销售流程的阶段开始</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1630" />
      <source>A pipeline needs at least one open stage.</source>
      <translation>销售流程至少需要一个进行中阶段。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1242" />
      <source>Add Pipeline…</source>
      <translation>添加销售流程…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1276" />
      <source>Add Stage…</source>
      <translation>添加阶段…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1447" />
      <source>Added the pipeline {name}. Its stages are below: rename and tune them, or add more.</source>
      <translation>已添加销售流程“{name}”。其阶段列在下方：可重命名、调整，或添加更多阶段。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1534" />
      <source>Added the stage {name}.</source>
      <translation>已添加阶段“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1471" />
      <source>Archive pipeline</source>
      <translation>归档销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1472" />
      <source>Archive the pipeline {name}? It leaves the board and is no longer offered for new deals; its closed deals stay in the reports. You can restore it later.</source>
      <translation>要归档销售流程“{name}”吗？它将从看板移除，新商机也不能再选择；其已关闭的商机仍保留在报表中。以后可以恢复。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1500" />
      <source>Archived the pipeline {name}.</source>
      <translation>已归档销售流程“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1367" />
      <source>Archived: not on the board and not offered for new deals. Its closed deals stay in the reports.</source>
      <translation>已归档：不在看板上显示，新商机也不能再选择。其已关闭的商机仍保留在报表中。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1246" />
      <source>Archive…</source>
      <translation>归档…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1286" />
      <source>Deals that reach this stage count as qualified leads.</source>
      <translation>到达此阶段的商机计为合格线索。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1603" />
      <source>Deals that reach {name} now count as qualified leads.</source>
      <translation>到达“{name}”的商机现在计为合格线索。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1299" />
      <source>Drag a stage by ⠿ to change the order.</source>
      <translation>拖动阶段左侧的 ⠿ 可调整顺序。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1277" />
      <source>Edit…</source>
      <translation>编辑…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1285" />
      <source>Mark as Qualified</source>
      <translation>标记为合格</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1281" />
      <source>Move Down</source>
      <translation>下移</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1278" />
      <source>Move Up</source>
      <translation>上移</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1283" />
      <source>Move the stage one place down (Ctrl+Down)</source>
      <translation>将阶段下移一位（Ctrl+Down）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1280" />
      <source>Move the stage one place up (Ctrl+Up)</source>
      <translation>将阶段上移一位（Ctrl+Up）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1585" />
      <source>Moved {name} to place {n}.</source>
      <translation>已将“{name}”移至第 {n} 位。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1249" />
      <source>New deals go to the default pipeline; the board and the reports open on it.</source>
      <translation>新商机进入默认销售流程；看板和报表打开时显示该流程。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1408" />
      <source>Only a manager can change the pipeline. You can see the stages, but not add, rename, reorder or remove them.</source>
      <translation>只有经理可以更改销售流程。您可以查看各阶段，但不能添加、重命名、调整顺序或删除阶段。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1490" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1237" />
      <source>Pipeline:</source>
      <translation>销售流程：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1615" />
      <source>Remove stage</source>
      <translation>删除阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1616" />
      <source>Remove the stage {name}? Deals that passed through it keep their history, and the reports of past periods still show it.</source>
      <translation>要删除阶段“{name}”吗？经过该阶段的商机会保留其历史记录，以往期间的报表中仍会显示该阶段。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1639" />
      <source>Removed the stage {name}.</source>
      <translation>已删除阶段“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1288" />
      <source>Remove…</source>
      <translation>删除…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1459" />
      <source>Renamed the pipeline to {name}.</source>
      <translation>已将销售流程重命名为“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1245" />
      <source>Rename…</source>
      <translation>重命名…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1424" />
      <source>Restore</source>
      <translation>恢复</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1548" />
      <source>Saved the stage {name}.</source>
      <translation>已保存阶段“{name}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1248" />
      <source>Set as Default</source>
      <translation>设为默认</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1631" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1430" />
      <source>Take the pipeline off the board; its closed deals stay in the reports.</source>
      <translation>将该销售流程从看板移除；其已关闭的商机仍保留在报表中。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1428" />
      <source>The default pipeline cannot be archived: make another one the default first.</source>
      <translation>默认销售流程不能归档：请先将其他销售流程设为默认。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1374" />
      <source>The default pipeline: new deals go here, and the board and the reports open on it.</source>
      <translation>默认销售流程：新商机进入此流程，看板和报表打开时显示此流程。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1342" />
      <source>{name} (archived)</source>
      <translation>{name}（已归档）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1340" />
      <source>{name} (default)</source>
      <translation>{name}（默认）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1502" />
      <source>{name} is back on the board.</source>
      <translation>“{name}”已恢复到看板上。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1520" />
      <source>{name} is now the default pipeline.</source>
      <translation>“{name}”现在是默认销售流程。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1487" />
      <source>{name} is the default pipeline. Make another pipeline the default first.</source>
      <translation>“{name}”是默认销售流程。请先将其他销售流程设为默认。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1626" />
      <source>{name} still holds {n} deals. Move them to another stage first.</source>
      <translation>“{name}”中仍有 {n} 个商机。请先将它们移至其他阶段。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1483" />
      <source>{name} still holds {n} open deals. Close them (won or lost) first.</source>
      <translation>“{name}”中仍有 {n} 个进行中的商机。请先将其关闭（赢单或输单）。</translation>
    </message>
  </context>
  <context>
    <name>PortabilityDialogs</name>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="415" />
      <source>Back Up Now</source>
      <translation>立即备份</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="441" />
      <source>Back up to</source>
      <translation>备份到</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="468" />
      <source>Backed up the database to {path} ({kind}, {deals} deals, {size}). It holds the users' password hashes: keep it as safe as the database.</source>
      <translation>已将数据库备份到 {path}（{kind}，{deals} 个商机，{size}）。备份中包含用户的密码哈希，请像保管数据库一样妥善保管。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="455" />
      <source>Backing up the database…</source>
      <translation>正在备份数据库…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="133" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="167" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="609" />
      <source>Checking the backup…</source>
      <translation>正在检查备份…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="598" />
      <source>Choose the backup to restore</source>
      <translation>选择要恢复的备份</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="440" />
      <source>Compressed JSON (*.json.gz);;JSON (*.json)</source>
      <translation>压缩的 JSON (*.json.gz);;JSON (*.json)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="654" />
      <source>Nothing was changed: {reason}</source>
      <translation>未做任何更改：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="718" />
      <source>Only an admin can back up or restore the database.</source>
      <translation>只有管理员才能备份或恢复数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="567" />
      <source>Restore from Backup</source>
      <translation>从备份恢复</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="643" />
      <source>Restoring the backup…</source>
      <translation>正在恢复备份…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="437" />
      <source>SQLite backup (*.sqlite3);;Compressed JSON (*.json.gz)</source>
      <translation>SQLite 备份 (*.sqlite3);;压缩的 JSON (*.json.gz)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="665" />
      <source>The backup is restored.</source>
      <translation>备份已恢复。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="663" />
      <source>The backup is restored. The previous database is kept as {path}.</source>
      <translation>备份已恢复。原数据库保留为 {path}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="568" />
      <source>The backup {path} passed every check ({deals} deals, schema {revision}).

A team's PostgreSQL database is not replaced from the app, since others work in it. An admin restores it on the server and keeps the old one aside:
1. createdb crmdesk_restored
2. crmdesk restore {path} --db postgresql://host/crmdesk_restored
3. check it, then with everyone signed out rename the databases: crmdesk to crmdesk_old, crmdesk_restored to crmdesk.</source>
      <translation>备份 {path} 已通过全部检查（{deals} 个商机，结构版本 {revision}）。

团队的 PostgreSQL 数据库有其他人正在使用，因此不能在应用中直接替换。请由管理员在服务器上恢复，并保留旧数据库：
1. createdb crmdesk_restored
2. crmdesk restore {path} --db postgresql://host/crmdesk_restored
3. 检查无误后，在所有人退出登录的情况下重命名数据库：将 crmdesk 改为 crmdesk_old，将 crmdesk_restored 改为 crmdesk。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="617" />
      <source>This file cannot be restored: {reason}</source>
      <translation>无法恢复此文件：{reason}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="457" />
      <source>Writing row {done} of {total}…</source>
      <translation>正在写入第 {done} 行，共 {total} 行…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="464" />
      <source>a JSON dump</source>
      <translation>JSON 转储</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="75" />
      <source>activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="464" />
      <source>an SQLite file</source>
      <translation>SQLite 文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="74" />
      <source>contacts</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="600" />
      <source>crmdesk backups (*.sqlite3 *.json *.json.gz *.gz);;All files (*)</source>
      <translation>crmdesk 备份 (*.sqlite3 *.json *.json.gz *.gz);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="668" />
      <source>crmdesk now reopens the restored database.</source>
      <translation>crmdesk 现在将重新打开恢复后的数据库。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="73" />
      <source>customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="72" />
      <source>deals</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="86" />
      <source>{size} KB</source>
      <translation>{size} KB</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="85" />
      <source>{size} MB</source>
      <translation>{size} MB</translation>
    </message>
  </context>
  <context>
    <name>ReportPage</name>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="256" />
      <source>CSV table (*.csv)</source>
      <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="219" />
      <source>Figures</source>
      <translation>数据</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="249" />
      <source>PNG picture (*.png);;SVG drawing (*.svg)</source>
      <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="247" />
      <source>Save chart</source>
      <translation>保存图表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="231" />
      <source>Save chart…</source>
      <translation>保存图表…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="256" />
      <source>Save table</source>
      <translation>保存表格</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="233" />
      <source>Save table as CSV…</source>
      <translation>将表格保存为 CSV…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="232" />
      <source>Save the chart as a PNG picture or SVG drawing</source>
      <translation>将图表保存为 PNG 图片或 SVG 矢量图</translation>
    </message>
  </context>
  <context>
    <name>ReportTables</name>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="238" />
      <source>Activities</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="167" />
      <source>Actual</source>
      <translation>实际</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="100" />
      <source>Advanced</source>
      <translation>推进</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="161" />
      <source>Ahead</source>
      <translation>超前</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="133" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="168" />
      <source>Attainment</source>
      <translation>达成率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="235" />
      <source>Avg cycle (d)</source>
      <translation>平均周期（天）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="102" />
      <source>Avg days</source>
      <translation>平均天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="234" />
      <source>Avg deal</source>
      <translation>平均商机金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="161" />
      <source>Behind</source>
      <translation>落后</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="75" />
      <source>Bottleneck</source>
      <translation>瓶颈</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="233" />
      <source>Close rate</source>
      <translation>成交率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="101" />
      <source>Conversion</source>
      <translation>转化率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="70" />
      <source>Created</source>
      <translation>创建</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="357" />
      <source>Days in stage</source>
      <translation>阶段停留天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="337" />
      <source>Days overdue</source>
      <translation>逾期天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="358" />
      <source>Days since activity</source>
      <translation>距上次活动天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="353" />
      <source>Deal</source>
      <translation>商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="132" />
      <source>Deals</source>
      <translation>商机数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="336" />
      <source>Due</source>
      <translation>截止时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="169" />
      <source>Expected by today</source>
      <translation>截至今日应达</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="131" />
      <source>Expected close</source>
      <translation>预计成交日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="275" />
      <source>First-deal amount</source>
      <translation>首单金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="171" />
      <source>Gap</source>
      <translation>差距</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="166" />
      <source>Goal</source>
      <translation>目标值</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="334" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="137" />
      <source>Later</source>
      <translation>更晚</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="236" />
      <source>Lead conversion</source>
      <translation>线索转化率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="74" />
      <source>Lead → won</source>
      <translation>线索 → 赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="277" />
      <source>Leads</source>
      <translation>线索</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="278" />
      <source>Leads won</source>
      <translation>赢单线索</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="105" />
      <source>Lost here</source>
      <translation>在此输单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="103" />
      <source>Median days</source>
      <translation>中位天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="274" />
      <source>New customers</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="137" />
      <source>No date</source>
      <translation>无日期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="161" />
      <source>On track</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="106" />
      <source>Open here</source>
      <translation>当前在此</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="239" />
      <source>Open pipeline</source>
      <translation>进行中金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="137" />
      <source>Overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="170" />
      <source>Pace</source>
      <translation>进度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="165" />
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="99" />
      <source>Reached</source>
      <translation>到达</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="237" />
      <source>Response (h)</source>
      <translation>响应（小时）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="359" />
      <source>Rots after (d)</source>
      <translation>停滞阈值（天）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="241" />
      <source>Rotting</source>
      <translation>停滞</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="70" />
      <source>Salesperson</source>
      <translation>销售代表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="273" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="98" />
      <source>Stage</source>
      <translation>阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="335" />
      <source>Subject</source>
      <translation>主题</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="164" />
      <source>Target</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="46" />
      <source>Team</source>
      <translation>团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="148" />
      <source>Total</source>
      <translation>合计</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="104" />
      <source>Visits</source>
      <translation>进入次数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="316" />
      <source>Week of</source>
      <translation>周起始日</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="240" />
      <source>Weighted</source>
      <translation>加权金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="135" />
      <source>Weighted by history</source>
      <translation>按历史加权</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="134" />
      <source>Weighted by stage</source>
      <translation>按阶段加权</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="73" />
      <source>Won</source>
      <translation>赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tables.py" line="232" />
      <source>Won amount</source>
      <translation>赢单金额</translation>
    </message>
  </context>
  <context>
    <name>ReportsTab</name>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="928" />
      <source> d</source>
      <translation> 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="937" />
      <source> h</source>
      <translation> 小时</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="875" />
      <source>= same as before</source>
      <translation>= 与上期持平</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="505" />
      <source>Activity</source>
      <translation>活动</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="558" />
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="419" />
      <source>All time</source>
      <translation>全部时间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="481" />
      <source>Close rate</source>
      <translation>成交率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="733" />
      <source>Could not load the reports: {error}</source>
      <translation>无法加载报表：{error}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="1005" />
      <source>Could not write {path}: {error}</source>
      <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="420" />
      <source>Custom…</source>
      <translation>自定义…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="459" />
      <source>Export PDF…</source>
      <translation>导出 PDF…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="997" />
      <source>Export the pack to PDF</source>
      <translation>将报表包导出为 PDF</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="501" />
      <source>Forecast</source>
      <translation>预测</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="499" />
      <source>Funnel</source>
      <translation>漏斗</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="416" />
      <source>Last month</source>
      <translation>上月</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="417" />
      <source>Last quarter</source>
      <translation>上季度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="418" />
      <source>Last year</source>
      <translation>去年</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="482" />
      <source>Lead conversion</source>
      <translation>线索转化率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="484" />
      <source>Median response time</source>
      <translation>响应时间中位数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="486" />
      <source>New customers</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="516" />
      <source>Overdue tasks</source>
      <translation>逾期任务</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="997" />
      <source>PDF (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="503" />
      <source>Performance</source>
      <translation>业绩</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="433" />
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="468" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="457" />
      <source>Print preview of the pack…</source>
      <translation>报表包打印预览…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="455" />
      <source>Print preview of this report…</source>
      <translation>本报表打印预览…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="452" />
      <source>Print the whole pack…</source>
      <translation>打印整个报表包…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="451" />
      <source>Print this report…</source>
      <translation>打印本报表…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="449" />
      <source>Print…</source>
      <translation>打印…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="407" />
      <source>Reports</source>
      <translation>报表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="519" />
      <source>Rotting deals</source>
      <translation>停滞商机</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="483" />
      <source>Sales cycle (avg / median)</source>
      <translation>销售周期（平均 / 中位数）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="1010" />
      <source>Saved {pages} pages to {path}</source>
      <translation>已将 {pages} 页保存到 {path}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="469" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="500" />
      <source>Stage efficiency</source>
      <translation>阶段转化效率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="502" />
      <source>Targets</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="413" />
      <source>This month</source>
      <translation>本月</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="414" />
      <source>This quarter</source>
      <translation>本季度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="415" />
      <source>This year</source>
      <translation>今年</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="683" />
      <source>Updating…</source>
      <translation>正在更新…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="487" />
      <source>Weighted pipeline</source>
      <translation>加权销售流程金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="467" />
      <source>Who</source>
      <translation>人员</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="546" />
      <source>Whole team</source>
      <translation>整个团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="485" />
      <source>Won against target</source>
      <translation>赢单目标达成率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="488" />
      <source>Won amount</source>
      <translation>赢单金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="952" />
      <source>no target for the period</source>
      <translation>本期间未设目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="958" />
      <source>of {amount} open</source>
      <translation>进行中总额 {amount}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="945" />
      <source>{actual} of {target}</source>
      <translation>{actual} / {target}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="878" />
      <source>{arrow} {delta} pts vs previous</source>
      <translation>较上期 {arrow} {delta} 个百分点</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="895" />
      <source>{arrow} {delta} vs previous</source>
      <translation>较上期 {arrow} {delta}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="920" />
      <source>{avg} / {median} d</source>
      <translation>{avg} / {median} 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="933" />
      <source>{hours} h</source>
      <translation>{hours} 小时</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/reports/tab.py" line="556" />
      <source>{name} (archived)</source>
      <translation>{name}（已归档）</translation>
    </message>
  </context>
  <context>
    <name>RestoreDialog</name>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="553" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="497" />
      <source>File:</source>
      <translation>文件：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="530" />
      <source>First close crmdesk in every other window and on every computer that uses this file.</source>
      <translation>请先关闭其他所有窗口以及使用此文件的所有电脑上的 crmdesk。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="516" />
      <source>Holds:</source>
      <translation>内容：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="500" />
      <source>JSON dump</source>
      <translation>JSON 转储</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="499" />
      <source>Kind:</source>
      <translation>类型：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="552" />
      <source>Restore</source>
      <translation>恢复</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="490" />
      <source>Restore from Backup</source>
      <translation>从备份恢复</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="500" />
      <source>SQLite file</source>
      <translation>SQLite 文件</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="517" />
      <source>Schema:</source>
      <translation>结构版本：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="502" />
      <source>Taken:</source>
      <translation>备份时间：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="493" />
      <source>The backup passed every check.</source>
      <translation>该备份已通过全部检查。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="522" />
      <source>The current database is not deleted: it is kept aside in the same folder, as {name}.</source>
      <translation>当前数据库不会被删除：它将以 {name} 的名称保留在同一文件夹中。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="541" />
      <source>This backup holds no password hashes: after the restore nobody has a password, and crmdesk opens as its first admin until passwords are set.</source>
      <translation>此备份不含密码哈希：恢复后所有用户都没有密码，在设置密码之前，crmdesk 将以第一个管理员的身份打开。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="521" />
      <source>This database is replaced by the backup: {path}</source>
      <translation>以下数据库将被该备份替换：{path}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="526" />
      <source>crmdesk then closes this window and reopens the restored database (sign in again if it has passwords).</source>
      <translation>随后 crmdesk 将关闭此窗口并重新打开恢复后的数据库（如果设有密码，请重新登录）。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/portability_dialogs.py" line="505" />
      <source>{deals} deals, {customers} customers, {contacts} contacts, {activities} activities and {users} users</source>
      <translation>{deals} 个商机、{customers} 个客户、{contacts} 个联系人、{activities} 条活动和 {users} 个用户</translation>
    </message>
  </context>
  <context>
    <name>RoleDialog</name>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="790" />
      <source>A sales rep works on their own deals; a manager on everyone's, and sets up stages, lists and targets; an admin also manages users.</source>
      <translation>销售代表处理自己的商机；经理可处理所有人的商机，并设置阶段、列表和目标；管理员还可以管理用户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="777" />
      <source>Change Role</source>
      <translation>更改角色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="779" />
      <source>Choose what {name} may do.</source>
      <translation>选择 {name} 的权限。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="787" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
  </context>
  <context>
    <name>ServiceReasons</name>
    <message>
      <source>a 3-letter currency code such as USD or CNY</source>
      <translation>须为 3 个字母的货币代码，例如 USD 或 CNY</translation>
    </message>
    <message>
      <source>a count is a whole number</source>
      <translation>数量必须是整数</translation>
    </message>
    <message>
      <source>a lost stage has probability 0</source>
      <translation>输单阶段的概率为 0</translation>
    </message>
    <message>
      <source>a new deal starts in an open stage</source>
      <translation>新商机必须从进行中的阶段开始</translation>
    </message>
    <message>
      <source>a pipeline needs an open stage</source>
      <translation>销售流程至少需要一个进行中的阶段</translation>
    </message>
    <message>
      <source>a time zone is required</source>
      <translation>需要时区</translation>
    </message>
    <message>
      <source>a won stage has probability 100</source>
      <translation>赢单阶段的概率为 100</translation>
    </message>
    <message>
      <source>at most 2 decimal places</source>
      <translation>最多 2 位小数</translation>
    </message>
    <message>
      <source>before the deal entered its current stage</source>
      <translation>早于商机进入当前阶段的时间</translation>
    </message>
    <message>
      <source>expected a date</source>
      <translation>应为日期</translation>
    </message>
    <message>
      <source>expected a date and time</source>
      <translation>应为日期和时间</translation>
    </message>
    <message>
      <source>expected a whole number</source>
      <translation>应为整数</translation>
    </message>
    <message>
      <source>expected a {entity} id</source>
      <translation>应为{entity}编号</translation>
    </message>
    <message>
      <source>expected text</source>
      <translation>应为文本</translation>
    </message>
    <message>
      <source>it must not be only spaces</source>
      <translation>不能只包含空格</translation>
    </message>
    <message>
      <source>it needs at least {count} characters</source>
      <translation>至少需要 {count} 个字符</translation>
    </message>
    <message>
      <source>letters, digits and . _ @ - only</source>
      <translation>只能包含字母、数字和 . _ @ -</translation>
    </message>
    <message>
      <source>list each open stage exactly once</source>
      <translation>每个进行中的阶段必须且只能列出一次</translation>
    </message>
    <message>
      <source>lower-case letters, digits and _ , starting with a letter</source>
      <translation>只能包含小写字母、数字和 _，且以字母开头</translation>
    </message>
    <message>
      <source>not a number</source>
      <translation>不是数字</translation>
    </message>
    <message>
      <source>not an e-mail address</source>
      <translation>不是有效的邮箱地址</translation>
    </message>
    <message>
      <source>not an editable activity field</source>
      <translation>不是可编辑的活动字段</translation>
    </message>
    <message>
      <source>not an editable field</source>
      <translation>不是可编辑的字段</translation>
    </message>
    <message>
      <source>one of {choices}</source>
      <translation>须为以下之一：{choices}</translation>
    </message>
    <message>
      <source>only a lost deal has a lost reason</source>
      <translation>只有输单的商机才有输单原因</translation>
    </message>
    <message>
      <source>only a manager can reassign a deal</source>
      <translation>只有经理可以重新分配商机</translation>
    </message>
    <message>
      <source>only a won or lost deal has a close date</source>
      <translation>只有赢单或输单的商机才有成交日期</translation>
    </message>
    <message>
      <source>pick an open stage of this pipeline</source>
      <translation>请选择此销售流程中进行中的阶段</translation>
    </message>
    <message>
      <source>the contact belongs to another customer</source>
      <translation>该联系人属于其他客户</translation>
    </message>
    <message>
      <source>the customer still has {count} deals</source>
      <translation>该客户仍有 {count} 个商机</translation>
    </message>
    <message>
      <source>the database needs at least one active admin</source>
      <translation>数据库至少需要一名在用的管理员</translation>
    </message>
    <message>
      <source>the deal belongs to another customer</source>
      <translation>该商机属于其他客户</translation>
    </message>
    <message>
      <source>the period must end after it starts</source>
      <translation>期间的结束必须晚于开始</translation>
    </message>
    <message>
      <source>the pipeline has no open stage</source>
      <translation>该销售流程没有进行中的阶段</translation>
    </message>
    <message>
      <source>the stage belongs to another pipeline</source>
      <translation>该阶段属于其他销售流程</translation>
    </message>
    <message>
      <source>the won and lost stages cannot be removed</source>
      <translation>赢单和输单阶段不能删除</translation>
    </message>
    <message>
      <source>unknown or repeated ids</source>
      <translation>编号未知或重复</translation>
    </message>
    <message>
      <source>unknown time zone {zone}</source>
      <translation>未知时区 {zone}</translation>
    </message>
    <message>
      <source>{count} activities of other people are logged on it; a manager can delete it</source>
      <translation>其他人在该客户上记录了 {count} 条活动；请由经理删除</translation>
    </message>
    <message>
      <source>{count} deals are still in this stage; move them first</source>
      <translation>此阶段仍有 {count} 个商机，请先将其移走</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="275" />
      <source>British pound</source>
      <translation>英镑</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="273" />
      <source>Chinese yuan</source>
      <translation>人民币</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="421" />
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="274" />
      <source>Euro</source>
      <translation>欧元</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="420" />
      <source>General</source>
      <translation>常规</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2213" />
      <source>Goals per salesperson or for the whole team, per month or quarter. The reports measure each against what was won, gained or done in its period.</source>
      <translation>按销售代表或整个团队、按月或按季度设定的目标。报表会将每个目标与其期间内的赢单、新增客户或完成的活动进行对比。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="277" />
      <source>Hong Kong dollar</source>
      <translation>港元</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="276" />
      <source>Japanese yen</source>
      <translation>日元</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="189" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="193" />
      <source>Later</source>
      <translation>稍后</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="423" />
      <source>Lists</source>
      <translation>列表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="263" />
      <source>Lost</source>
      <translation>输单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="294" />
      <source>Off</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="263" />
      <source>Open</source>
      <translation>进行中</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="422" />
      <source>Pipeline</source>
      <translation>销售流程</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="301" />
      <source>Q{q} {year}</source>
      <translation>{year}年第{q}季度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="192" />
      <source>Restart Now</source>
      <translation>立即重启</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="191" />
      <source>Restart crmdesk now? Everything you saved stays as it is.</source>
      <translation>现在重启 crmdesk 吗？您已保存的所有内容都会保留。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="502" />
      <source>Save the changes on the General page?</source>
      <translation>是否保存“常规”页面上的更改？</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="377" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="474" />
      <source>Signed in as {name}, {role} · database: {url}</source>
      <translation>当前登录：{name}（{role}）· 数据库：{url}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="424" />
      <source>Targets</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2058" />
      <source>The choices offered when a deal is lost and for where a customer or deal came from. A retired entry is no longer offered; deals that have it keep it.</source>
      <translation>商机输单时可选的原因，以及客户或商机的来源选项。已停用的条目不再作为选项提供；已使用它的商机保持不变。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="639" />
      <source>The language is chosen for this PC. The currency, the time zone and the backups are the same for everyone who works on this database.</source>
      <translation>语言仅针对本机设置。货币、时区和备份设置对使用此数据库的所有人都相同。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1227" />
      <source>The stages a deal goes through on the board, in order. The probability weighs the forecast; a deal that sits in a stage longer than its rot days shows as rotting. Won and Lost always come last.</source>
      <translation>商机在看板上依次经历的各个阶段。概率用于加权预测；商机在某阶段停留超过其停滞天数即显示为停滞。赢单和输单始终排在最后。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="272" />
      <source>US dollar</source>
      <translation>美元</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1008" />
      <source>Where this PC's crmdesk keeps its data: a file on this PC for one user, or the team's PostgreSQL server. The choice is kept on this PC.</source>
      <translation>本机 crmdesk 的数据存放位置：本机上的文件（单用户），或团队的 PostgreSQL 服务器。此选择仅保存在本机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="263" />
      <source>Won</source>
      <translation>赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="470" />
      <source>a manager</source>
      <translation>经理</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="471" />
      <source>a sales rep</source>
      <translation>销售代表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="295" />
      <source>after {n} days</source>
      <translation>{n} 天后</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="469" />
      <source>an admin</source>
      <translation>管理员</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="190" />
      <source>crmdesk will speak {language} when it starts again.</source>
      <translation>crmdesk 将在重新启动后使用{language}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="283" />
      <source>{code} — {name} ({symbol})</source>
      <translation>{code} — {name}（{symbol}）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="321" />
      <source>{field}: {problem}</source>
      <translation>{field}：{problem}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="304" />
      <source>{month} {year}</source>
      <translation>{year}年{month}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="287" />
      <source>{n}%</source>
      <translation>{n}%</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="306" />
      <source>{start} – {end}</source>
      <translation>{start} 至 {end}</translation>
    </message>
  </context>
  <context>
    <name>ShortcutsDialog</name>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="131" />
      <source>Command</source>
      <translation>命令</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="126" />
      <source>Find a command or a key…</source>
      <translation>查找命令或按键…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="116" />
      <source>Keyboard Shortcuts</source>
      <translation>键盘快捷键</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="149" />
      <source>On the board, Enter opens the selected deal, and the arrow keys move between cards.</source>
      <translation>在看板上，按 Enter 键打开所选商机，按方向键在卡片之间移动。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/help_dialogs.py" line="131" />
      <source>Shortcut</source>
      <translation>快捷键</translation>
    </message>
  </context>
  <context>
    <name>SignIn</name>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="88" />
      <source>Team database</source>
      <translation>团队数据库</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="83" />
      <source>The password was not accepted. Password for {user} on {server}:</source>
      <translation>密码未被接受。请输入 {user} 在 {server} 上的密码：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="85" />
      <source>The team database asks for a password. Password for {user} on {server}:</source>
      <translation>团队数据库需要密码。请输入 {user} 在 {server} 上的密码：</translation>
    </message>
  </context>
  <context>
    <name>SignInDialog</name>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="109" />
      <source>Database: {url}</source>
      <translation>数据库：{url}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="122" />
      <source>Login:</source>
      <translation>登录名：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="123" />
      <source>Password:</source>
      <translation>密码：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="105" />
      <source>Sign in</source>
      <translation>登录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/sign_in.py" line="100" />
      <source>Sign in to crmdesk</source>
      <translation>登录 crmdesk</translation>
    </message>
  </context>
  <context>
    <name>StageColumn</name>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="125" />
      <source>Total {amount}, weighted by the stage probability {weighted}</source>
      <translation>合计 {amount}，按阶段概率加权后为 {weighted}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/board/view.py" line="118" />
      <source>{amount} · weighted {weighted} · {p}%</source>
      <translation>{amount} · 加权 {weighted} · {p}%</translation>
    </message>
  </context>
  <context>
    <name>StageDialog</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1770" />
      <source> %</source>
      <translation>%</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1775" />
      <source> days</source>
      <translation> 天</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1813" />
      <source>A won stage has 100%, a lost stage 0%.</source>
      <translation>赢单阶段的概率为 100%，输单阶段为 0%。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1760" />
      <source>Add Stage</source>
      <translation>添加阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1797" />
      <source>After {name}</source>
      <translation>在“{name}”之后</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1778" />
      <source>Chinese name</source>
      <translation>中文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1789" />
      <source>Days here without activity before a deal shows as rotting.</source>
      <translation>商机在此阶段无活动超过此天数后即显示为停滞。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1760" />
      <source>Edit Stage</source>
      <translation>编辑阶段</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1777" />
      <source>English name</source>
      <translation>英文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1794" />
      <source>First</source>
      <translation>最前</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1774" />
      <source>Off</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1801" />
      <source>Place</source>
      <translation>位置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1780" />
      <source>Probability</source>
      <translation>概率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1786" />
      <source>Rotting after</source>
      <translation>停滞天数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1816" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1783" />
      <source>The chance that a deal here is won; it weighs the forecast.</source>
      <translation>处于此阶段的商机赢单的可能性，用于加权预测。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1844" />
      <source>This pipeline cannot take another stage: it has had {n} over its life (removed stages keep their place in the history).</source>
      <translation>此销售流程无法再添加阶段：它累计已有 {n} 个阶段（已删除的阶段仍在历史记录中占位）。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1764" />
      <source>e.g. Needs analysis</source>
      <translation>例如：Needs analysis</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1767" />
      <source>e.g. 需求分析</source>
      <translation>例如：需求分析</translation>
    </message>
  </context>
  <context>
    <name>StagesModel</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1140" />
      <source>A deal that reaches this stage counts as a qualified lead (the reports' lead conversion).</source>
      <translation>到达此阶段的商机计为合格线索（用于报表中的线索转化率）。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1145" />
      <source>A deal that stays in this stage longer, without activity, is shown as rotting.</source>
      <translation>商机在此阶段无活动且停留超过此时长，即显示为停滞。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1100" />
      <source>Chinese name</source>
      <translation>中文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1138" />
      <source>Drag to put the stage elsewhere (or use Move Up and Move Down).</source>
      <translation>拖动可调整阶段位置（也可使用“上移”和“下移”）。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1099" />
      <source>English name</source>
      <translation>英文名称</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1115" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1102" />
      <source>Probability</source>
      <translation>概率</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1109" />
      <source>Qualified</source>
      <translation>合格</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1107" />
      <source>Rotting</source>
      <translation>停滞</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="1110" />
      <source>✓ Qualified</source>
      <translation>✓ 合格</translation>
    </message>
  </context>
  <context>
    <name>TargetDialog</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2432" />
      <source>Add Target</source>
      <translation>添加目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2432" />
      <source>Edit Target</source>
      <translation>编辑目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2465" />
      <source>Metric</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2442" />
      <source>Month</source>
      <translation>月</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2464" />
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2441" />
      <source>Quarter</source>
      <translation>季度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2524" />
      <source>Q{q}</source>
      <translation>第{q}季度</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2489" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2466" />
      <source>Target</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2625" />
      <source>Target: a count is a whole number.</source>
      <translation>目标：数量必须是整数。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2600" />
      <source>Target: enter a number, for example {example}.</source>
      <translation>目标：请输入数字，例如 {example}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2593" />
      <source>Target: enter the goal.</source>
      <translation>目标：请输入目标值。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2574" />
      <source>There is already a target of {value} for this. Saving replaces it.</source>
      <translation>此项已有目标值 {value}。保存后将替换它。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2463" />
      <source>Who</source>
      <translation>对象</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2435" />
      <source>Whole team</source>
      <translation>整个团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2570" />
      <source>a whole number</source>
      <translation>整数</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2568" />
      <source>amount in {c}</source>
      <translation>金额（{c}）</translation>
    </message>
  </context>
  <context>
    <name>TargetsModel</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2188" />
      <source>Metric</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2178" />
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2193" />
      <source>Target</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2183" />
      <source>Who</source>
      <translation>对象</translation>
    </message>
  </context>
  <context>
    <name>TargetsPage</name>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2331" />
      <source>1 target shown</source>
      <translation>显示 1 个目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2231" />
      <source>Add Target…</source>
      <translation>添加目标…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2337" />
      <source>Add one with Add Target…</source>
      <translation>新建目标请使用：添加目标…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2289" />
      <source>All years</source>
      <translation>所有年份</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2406" />
      <source>Delete target</source>
      <translation>删除目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2407" />
      <source>Delete the target {what} ({value})?</source>
      <translation>要删除目标“{what}”（{value}）吗？</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2414" />
      <source>Deleted the target {what}.</source>
      <translation>已删除目标“{what}”。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2253" />
      <source>Delete…</source>
      <translation>删除…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2252" />
      <source>Edit…</source>
      <translation>编辑…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2297" />
      <source>Everyone</source>
      <translation>所有人</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2336" />
      <source>No targets here yet.</source>
      <translation>这里还没有目标。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2363" />
      <source>Only a manager can set targets. You see the team's targets and your own.</source>
      <translation>只有经理可以设置目标。您可以查看团队的目标和您自己的目标。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2386" />
      <source>Saved: {who}, {period}, {metric}: {value}.</source>
      <translation>已保存：{who}，{period}，{metric}：{value}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2226" />
      <source>Who:</source>
      <translation>对象：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2298" />
      <source>Whole team</source>
      <translation>整个团队</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2221" />
      <source>Year:</source>
      <translation>年份：</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2329" />
      <source>{n} targets shown</source>
      <translation>显示 {n} 个目标</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/settings_dialog.py" line="2399" />
      <source>{who}, {period}, {metric}</source>
      <translation>{who}，{period}，{metric}</translation>
    </message>
  </context>
  <context>
    <name>UsersDialog</name>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="331" />
      <source>Add User…</source>
      <translation>添加用户…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="479" />
      <source>Added {name}.</source>
      <translation>已添加 {name}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="77" />
      <source>Admin</source>
      <translation>管理员</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="357" />
      <source>Change Role…</source>
      <translation>更改角色…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="92" />
      <source>Confirm password</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="359" />
      <source>Disable</source>
      <translation>停用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="518" />
      <source>Disable user</source>
      <translation>停用用户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="519" />
      <source>Disable {name}? They will not be able to sign in. Their deals, customers and activities stay as they are, and you can enable the account again later.</source>
      <translation>要停用 {name} 吗？该用户将无法登录。其商机、客户和活动保持不变，之后您可以重新启用该账户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="89" />
      <source>E-mail</source>
      <translation>电子邮箱</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="437" />
      <source>Enable</source>
      <translation>启用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="101" />
      <source>Enter a password.</source>
      <translation>请输入密码。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="87" />
      <source>Login</source>
      <translation>登录名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="78" />
      <source>Manager</source>
      <translation>经理</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="88" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="506" />
      <source>New password saved for {name}.</source>
      <translation>已为 {name} 保存新密码。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="121" />
      <source>Only an admin can change users.</source>
      <translation>只有管理员可以更改用户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="338" />
      <source>Only an admin can change users. You can see the list, but not add users, change roles, reset passwords or disable accounts.</source>
      <translation>只有管理员可以更改用户。您可以查看列表，但不能添加用户、更改角色、重置密码或停用账户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="91" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="358" />
      <source>Reset Password…</source>
      <translation>重置密码…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="90" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="79" />
      <source>Sales rep</source>
      <translation>销售代表</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="112" />
      <source>The database needs at least one active admin.</source>
      <translation>数据库至少需要一位有效的管理员。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="107" />
      <source>The password may have at most {n} characters.</source>
      <translation>密码最多 {n} 个字符。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="103" />
      <source>The password must not be only spaces.</source>
      <translation>密码不能只包含空格。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="105" />
      <source>The password needs at least {n} characters.</source>
      <translation>密码至少需要 {n} 个字符。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="131" />
      <source>The two passwords are not the same.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="319" />
      <source>Users</source>
      <translation>用户</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="440" />
      <source>You cannot disable your own account.</source>
      <translation>您不能停用自己的账户。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="411" />
      <source>everyone signs in with a password</source>
      <translation>所有人均使用密码登录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="413" />
      <source>no one has a password, so there is no sign-in</source>
      <translation>无人设置密码，因此无需登录</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="113" />
      <source>{field}: {problem}</source>
      <translation>{field}：{problem}</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="538" />
      <source>{name} is disabled.</source>
      <translation>{name} 已停用。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="536" />
      <source>{name} is enabled and can sign in again.</source>
      <translation>{name} 已启用，可以重新登录。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="491" />
      <source>{name} is now: {role}.</source>
      <translation>{name} 的角色现为：{role}。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="472" />
      <source>{name} was added without a password. Use Reset Password to give them one.</source>
      <translation>已添加 {name}，但未设置密码。请使用“重置密码”为其设置密码。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="416" />
      <source>{n} users, {active} active · {sign_in}</source>
      <translation>{n} 个用户，{active} 个启用 · {sign_in}</translation>
    </message>
  </context>
  <context>
    <name>UsersModel</name>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="238" />
      <source>(you)</source>
      <translation>（您）</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="292" />
      <source>A disabled user cannot sign in; their records stay.</source>
      <translation>已停用的用户无法登录；其记录会保留。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="256" />
      <source>Active</source>
      <translation>已启用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="256" />
      <source>Disabled</source>
      <translation>已停用</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="269" />
      <source>Locked until</source>
      <translation>锁定至</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="243" />
      <source>Login</source>
      <translation>登录名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="237" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="262" />
      <source>Not set</source>
      <translation>未设置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="261" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="249" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="262" />
      <source>Set</source>
      <translation>已设置</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="255" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="283" />
      <source>This user cannot sign in: everyone signs in on this database, and they have no password yet. Reset their password to give them one.</source>
      <translation>此用户无法登录：此数据库要求所有人登录，而该用户尚未设置密码。请重置其密码为其设置一个。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/users_dialog.py" line="288" />
      <source>Too many wrong passwords in a row. Resetting the password lifts the lock.</source>
      <translation>连续输错密码次数过多。重置密码即可解除锁定。</translation>
    </message>
  </context>
  <context>
    <name>WelcomePage</name>
    <message>
      <location filename="../../crmdesk/ui/welcome.py" line="45" />
      <source>Import from CSV…</source>
      <translation>从 CSV 导入…</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/welcome.py" line="44" />
      <source>Load demo data</source>
      <translation>加载演示数据</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/welcome.py" line="29" />
      <source>This database is empty. Try crmdesk with a realistic sales team and two years of deals, or bring in your own customers and deals from a spreadsheet.</source>
      <translation>此数据库为空。您可以加载一个逼真的销售团队及两年的商机数据来试用 crmdesk，也可以从电子表格导入您自己的客户和商机。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/welcome.py" line="24" />
      <source>Welcome to crmdesk</source>
      <translation>欢迎使用 crmdesk</translation>
    </message>
  </context>
  <context>
    <name>WonDialog</name>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="65" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="54" />
      <source>Confirm the amount and the date the deal was won.</source>
      <translation>请确认金额和赢单日期。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="82" />
      <source>Enter the amount, for example 12,300.00.</source>
      <translation>请输入金额，例如 12,300.00。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="51" />
      <source>Mark as won</source>
      <translation>标记为赢单</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="56" />
      <source>Mark {n} deals as won on this date.</source>
      <translation>将 {n} 个商机标记为在此日期赢单。</translation>
    </message>
    <message>
      <location filename="../../crmdesk/ui/dialogs.py" line="70" />
      <source>Won on</source>
      <translation>赢单日期</translation>
    </message>
  </context>
</TS>
