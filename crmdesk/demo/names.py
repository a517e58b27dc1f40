"""Word lists for the demo data: people, companies, industries, deal titles, subjects.

Every list is a tuple, so that picking from it with a seeded ``random.Random``
gives the same result on every run. Chinese names carry their pinyin, which
the generator uses for ascii logins, e-mail addresses and web sites.
"""

from __future__ import annotations

from typing import NamedTuple

# --- people --------------------------------------------------------------------

EN_FIRST_NAMES: tuple[str, ...] = (
    "Sarah", "James", "Emily", "Michael", "Olivia", "David", "Sophie", "Daniel",
    "Laura", "Thomas", "Anna", "Robert", "Grace", "William", "Chloe", "Matthew",
    "Hannah", "Andrew", "Jessica", "Peter", "Rachel", "Mark", "Lucy", "Paul",
    "Emma", "Kevin", "Megan", "Brian", "Alice", "Steven", "Natalie", "Jason",
    "Claire", "Ryan", "Helen", "Adam", "Julia", "Simon", "Karen", "Eric",
)  # fmt: skip

EN_LAST_NAMES: tuple[str, ...] = (
    "Jones", "Smith", "Miller", "Taylor", "Brown", "Wilson", "Clarke", "Walker",
    "Wright", "Hughes", "Turner", "Parker", "Carter", "Evans", "Murphy", "Cooper",
    "Bennett", "Harris", "Morgan", "Bailey", "Foster", "Hayes", "Porter", "Reed",
    "Price", "Ward", "Brooks", "Russell", "Ellis", "Barnes", "Fisher", "Hunt",
    "Palmer", "Graham", "Mason", "Kelly", "Dixon", "Webb", "Lawson", "Grant",
)  # fmt: skip

#: Chinese surnames with their pinyin.
ZH_SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("周", "zhou"), ("吴", "wu"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
)  # fmt: skip

#: Chinese given names with their pinyin.
ZH_GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("娜", "na"), ("芳", "fang"), ("敏", "min"), ("静", "jing"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"),
    ("秀英", "xiuying"), ("丽", "li"), ("华", "hua"), ("平", "ping"), ("刚", "gang"),
    ("婷", "ting"), ("浩", "hao"), ("斌", "bin"), ("鹏", "peng"), ("辉", "hui"),
    ("建华", "jianhua"), ("晓东", "xiaodong"), ("志强", "zhiqiang"), ("海燕", "haiyan"),
    ("玉兰", "yulan"), ("俊杰", "junjie"), ("子涵", "zihan"), ("欣怡", "xinyi"),
    ("宇轩", "yuxuan"), ("思远", "siyuan"), ("雪梅", "xuemei"), ("文博", "wenbo"),
    ("佳怡", "jiayi"), ("建国", "jianguo"), ("国强", "guoqiang"),
)  # fmt: skip

# --- companies -----------------------------------------------------------------


class Industry(NamedTuple):
    """An industry: its label, words that make company names, and a deal-size factor."""

    en: str
    zh: str
    slug: str
    en_words: tuple[str, ...]
    zh_words: tuple[str, ...]
    amount_factor: float


INDUSTRIES: tuple[Industry, ...] = (
    Industry("Software", "软件", "soft", ("Software", "Systems", "Digital"),
             ("软件", "信息技术", "网络科技"), 1.2),
    Industry("Logistics", "物流", "logistics", ("Logistics", "Freight", "Transport"),
             ("物流", "供应链管理", "运输"), 1.0),
    Industry("Manufacturing", "制造业", "mfg", ("Manufacturing", "Industries", "Works"),
             ("制造", "机械", "精密机械"), 1.4),
    Industry("Retail", "零售", "retail", ("Retail", "Stores", "Trading"),
             ("商贸", "贸易", "百货"), 0.7),
    Industry("Healthcare", "医疗健康", "health", ("Health", "Medical", "Care"),
             ("医疗器械", "医药", "健康科技"), 1.3),
    Industry("Construction", "建筑", "build", ("Construction", "Builders", "Engineering"),
             ("建设工程", "建材", "建筑工程"), 1.5),
    Industry("Energy", "能源", "energy", ("Energy", "Power", "Solar"),
             ("新能源", "能源科技", "电力设备"), 1.6),
    Industry("Education", "教育", "edu", ("Learning", "Education", "Academy"),
             ("教育科技", "培训", "文化传播"), 0.6),
    Industry("Finance", "金融", "finance", ("Capital", "Financial", "Partners"),
             ("投资管理", "金融信息服务", "资产管理"), 1.1),
    Industry("Food & Beverage", "食品饮料", "food", ("Foods", "Beverages", "Kitchens"),
             ("食品", "饮品", "餐饮管理"), 0.8),
    Industry("Electronics", "电子", "tech", ("Electronics", "Devices", "Circuits"),
             ("电子", "电子科技", "智能科技"), 1.1),
    Industry("Automotive", "汽车", "auto", ("Automotive", "Motors", "Auto Parts"),
             ("汽车零部件", "汽车服务", "汽车科技"), 1.3),
    Industry("Chemicals", "化工", "chem", ("Chemicals", "Materials", "Polymers"),
             ("化工", "新材料", "化学"), 1.2),
    Industry("Consulting", "咨询", "consult", ("Consulting", "Advisors", "Associates"),
             ("企业管理咨询", "商务咨询", "咨询"), 0.7),
)  # fmt: skip

EN_BRAND_HEADS: tuple[str, ...] = (
    "North", "South", "East", "West", "Blue", "Red", "Silver", "Golden", "Green",
    "Bright", "Clear", "Iron", "Stone", "Oak", "Pine", "Maple", "Cedar", "River",
    "Lake", "Sun", "Star", "Summit", "High", "Swift", "Harbor", "Crystal", "Eagle",
    "Falcon", "Granite", "Hill", "Key", "Lion", "Moon", "Ocean", "Prime", "Rock",
    "Sky", "True", "Wind", "Fair",
)  # fmt: skip

EN_BRAND_TAILS: tuple[str, ...] = (
    "wind", "field", "bridge", "gate", "point", "crest", "view", "way", "line",
    "stone", "brook", "wood", "port", "ridge", "vale", "mark", "haven", "light",
    "star", "side", "land", "well", "ford", "hurst", "dale", "peak", "shore", "wave",
)  # fmt: skip

EN_COMPANY_SUFFIXES: tuple[str, ...] = ("Ltd", "Inc.", "LLC", "Group", "Co.", "Corp.")

#: US cities with an area code, for addresses and phone numbers.
EN_CITIES: tuple[tuple[str, str, str], ...] = (
    ("New York", "NY", "212"), ("Boston", "MA", "617"), ("Chicago", "IL", "312"),
    ("Austin", "TX", "512"), ("Denver", "CO", "303"), ("Seattle", "WA", "206"),
    ("Atlanta", "GA", "404"), ("Portland", "OR", "503"), ("Phoenix", "AZ", "602"),
    ("San Diego", "CA", "619"), ("Columbus", "OH", "614"), ("Nashville", "TN", "615"),
    ("Minneapolis", "MN", "612"), ("Pittsburgh", "PA", "412"), ("Raleigh", "NC", "919"),
    ("Salt Lake City", "UT", "801"),
)  # fmt: skip

EN_STREETS: tuple[str, ...] = (
    "Main St", "Oak Ave", "Market St", "Park Rd", "Cedar Ln", "Lake Dr", "Hill St",
    "Washington Ave", "Commerce Blvd", "Industrial Pkwy", "River Rd", "Elm St",
)  # fmt: skip

#: Chinese cities with their area code and pinyin.
ZH_CITIES: tuple[tuple[str, str, str], ...] = (
    ("上海", "021", "shanghai"), ("北京", "010", "beijing"), ("广州", "020", "guangzhou"),
    ("深圳", "0755", "shenzhen"), ("杭州", "0571", "hangzhou"), ("南京", "025", "nanjing"),
    ("苏州", "0512", "suzhou"), ("成都", "028", "chengdu"), ("武汉", "027", "wuhan"),
    ("西安", "029", "xian"), ("天津", "022", "tianjin"), ("重庆", "023", "chongqing"),
    ("青岛", "0532", "qingdao"), ("宁波", "0574", "ningbo"), ("厦门", "0592", "xiamen"),
    ("长沙", "0731", "changsha"), ("郑州", "0371", "zhengzhou"), ("合肥", "0551", "hefei"),
    ("济南", "0531", "jinan"), ("东莞", "0769", "dongguan"), ("佛山", "0757", "foshan"),
    ("无锡", "0510", "wuxi"), ("大连", "0411", "dalian"), ("福州", "0591", "fuzhou"),
)  # fmt: skip

ZH_BRAND_HEADS: tuple[tuple[str, str], ...] = (
    ("华", "hua"), ("恒", "heng"), ("中", "zhong"), ("新", "xin"), ("金", "jin"),
    ("盛", "sheng"), ("鑫", "xin"), ("瑞", "rui"), ("泰", "tai"), ("宏", "hong"),
    ("博", "bo"), ("天", "tian"), ("安", "an"), ("永", "yong"), ("嘉", "jia"),
    ("德", "de"), ("汇", "hui"), ("联", "lian"), ("东", "dong"), ("长", "chang"),
    ("明", "ming"), ("锦", "jin"), ("卓", "zhuo"), ("正", "zheng"), ("世", "shi"),
    ("荣", "rong"), ("海", "hai"), ("远", "yuan"), ("康", "kang"), ("顺", "shun"),
)  # fmt: skip

ZH_BRAND_TAILS: tuple[tuple[str, str], ...] = (
    ("信", "xin"), ("通", "tong"), ("达", "da"), ("源", "yuan"), ("创", "chuang"),
    ("辉", "hui"), ("宇", "yu"), ("峰", "feng"), ("诚", "cheng"), ("星", "xing"),
    ("元", "yuan"), ("和", "he"), ("邦", "bang"), ("晟", "sheng"), ("智", "zhi"),
    ("成", "cheng"), ("景", "jing"), ("润", "run"), ("兴", "xing"), ("维", "wei"),
    ("航", "hang"), ("鼎", "ding"), ("立", "li"), ("佳", "jia"), ("凯", "kai"),
    ("隆", "long"), ("睿", "rui"), ("远", "yuan"), ("盈", "ying"), ("晨", "chen"),
)  # fmt: skip

ZH_DISTRICTS: tuple[str, ...] = (
    "高新区", "经济开发区", "工业园区", "滨江区", "新城区", "软件园", "科技园", "商务区",
)  # fmt: skip

ZH_ROADS: tuple[str, ...] = (
    "人民", "建设", "解放", "中山", "和平", "科技", "创业", "长江", "黄河", "光明",
    "文化", "东方", "金桥", "世纪",
)  # fmt: skip

# --- contacts ------------------------------------------------------------------

#: Job titles of contacts: (English, Chinese).
CONTACT_TITLES: tuple[tuple[str, str], ...] = (
    ("CEO", "总经理"), ("Purchasing Manager", "采购经理"), ("IT Director", "IT 主管"),
    ("Operations Manager", "运营总监"), ("CFO", "财务总监"), ("Procurement Lead", "采购专员"),
    ("Head of Sales", "销售总监"), ("Office Manager", "行政经理"), ("CTO", "技术总监"),
    ("Project Manager", "项目经理"),
)  # fmt: skip

# --- deals and activities ------------------------------------------------------

#: What a deal sells: (English, Chinese).
DEAL_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ERP rollout", "ERP 系统实施"), ("Annual purchase", "年度采购"),
    ("CRM licenses", "软件授权"), ("Maintenance contract", "年度维保合同"),
    ("Fleet tracking pilot", "车队管理试点"), ("Warehouse scanners", "仓储扫描设备"),
    ("Cloud migration", "云服务迁移"), ("Support renewal", "技术支持续约"),
    ("Training program", "培训项目"), ("Network upgrade", "网络升级改造"),
    ("Security audit", "安全审计"), ("Analytics platform", "数据分析平台"),
    ("Spare parts supply", "备件供应"), ("Website redesign", "官网改版"),
    ("Packaging line", "包装生产线"), ("Consulting retainer", "咨询服务"),
    ("Office equipment", "办公设备采购"), ("Expansion phase 2", "二期扩容"),
)  # fmt: skip

#: Kinds and subjects of the first response to a new deal: (kind, English, Chinese).
RESPONSE_SUBJECTS: tuple[tuple[str, str, str], ...] = (
    ("call", "Intro call", "初次电话沟通"),
    ("email", "Reply to inquiry", "回复询盘邮件"),
    ("call", "First contact call", "首次联系电话"),
    ("email", "Sent company profile", "发送公司介绍"),
    ("meeting", "Intro meeting", "初次拜访"),
)

#: Done activities per open stage (by the stage's index among the open stages).
STAGE_SUBJECTS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (
        ("call", "Follow-up call", "跟进电话"),
        ("email", "Sent product brochure", "发送产品资料"),
        ("call", "Call: initial needs", "电话了解初步需求"),
        ("email", "Follow-up email", "跟进邮件"),
    ),
    (
        ("call", "Discovery call", "需求调研电话"),
        ("meeting", "Needs analysis meeting", "需求分析会议"),
        ("email", "Sent case studies", "发送客户案例"),
        ("meeting", "Product demo", "产品演示"),
        ("call", "Budget check call", "确认预算电话"),
    ),
    (
        ("email", "Sent quote", "发送报价单"),
        ("meeting", "Quote walkthrough", "报价讲解会议"),
        ("call", "Follow-up on quote", "报价跟进电话"),
        ("email", "Revised pricing", "发送修订报价"),
    ),
    (
        ("meeting", "Contract review meeting", "合同评审会议"),
        ("email", "Sent contract draft", "发送合同草案"),
        ("call", "Negotiation call", "商务谈判电话"),
        ("email", "Legal review follow-up", "法务审核跟进"),
    ),
)

#: Tasks per open stage: (English, Chinese).
TASK_SUBJECTS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Follow up", "跟进客户"), ("Call back", "回电"), ("Send company profile", "发送公司介绍")),
    (("Schedule demo", "安排演示"), ("Check budget approval", "确认预算审批"),
     ("Send proposal", "发送方案")),
    (("Prepare quote", "准备报价"), ("Follow up on quote", "跟进报价"),
     ("Ask for decision date", "确认决策时间")),
    (("Chase signature", "催签合同"), ("Send final contract", "发送最终合同"),
     ("Confirm delivery date", "确认交付日期")),
)  # fmt: skip

NOTE_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Decision maker is the CFO", "决策人是财务总监"),
    ("A competitor is also bidding", "竞争对手也在报价"),
    ("Budget approved for next quarter", "下季度预算已批"),
    ("Prefers email over calls", "客户偏好邮件沟通"),
    ("Wants a discount for a 2-year deal", "两年合同希望有折扣"),
    ("Met at the trade show", "在展会上认识"),
    ("Current supplier contract ends soon", "现有供应商合同即将到期"),
)
