"""The fields each kind of record can be imported into, and the header names (English
and Chinese) that :func:`crmdesk.importing.mapping.guess_mapping` recognises.

Standard library only. A field's ``kind`` says how a cell is read:

* ``text``: trimmed text of at most ``max_len`` characters;
* ``instant``: a date, or a date and time (the mapping's date formats; ISO 8601 always);
  a value without a UTC offset is a local time in the team's time zone;
* ``day``: a date without time;
* ``amount``: a decimal number, 0 or more, at most 2 decimal places;
* ``bool``: yes/no, true/false, 1/0, x, 是/否, 已完成, ...;
* ``name``: text naming another record (an owner, a customer, a stage, a lead
  source, ...), looked up by name, key or login, case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crmdesk.db import models as m

ENTITIES = ("deals", "customers", "contacts", "activities", "users")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    description: str
    max_len: int | None = None
    #: Header names that guess this field (compared without case, spaces, _ - . /).
    synonyms: tuple[str, ...] = ()


def _f(
    name: str, kind: str, description: str, max_len: int | None = None, *synonyms: str
) -> FieldSpec:
    return FieldSpec(name, kind, description, max_len, (name, *synonyms))


_OWNER = _f(
    "owner",
    "name",
    "the salesperson who owns it: a user's login or name",
    m.LEN_NAME,
    "owner name",
    "sales agent",
    "salesperson",
    "sales person",
    "sales rep",
    "rep",
    "agent",
    "assigned to",
    "account manager",
    "user",
    "负责人",
    "销售",
    "销售员",
    "销售代表",
    "业务员",
    "跟进人",
    "所有者",
    "归属人",
    "客户经理",
)
_CUSTOMER = _f(
    "customer",
    "name",
    "the customer: its company name",
    m.LEN_TITLE,
    "account",
    "account name",
    "company",
    "company name",
    "client",
    "organization",
    "organisation",
    "客户",
    "客户名称",
    "公司",
    "公司名称",
    "企业名称",
    "单位",
    "客户公司",
)
_CUSTOMER_REF = _f(
    "customer_ref",
    "name",
    "the customer's external id (its external_ref)",
    m.LEN_REF,
    "customer id",
    "account id",
    "company id",
    "client id",
    "客户编号",
    "客户id",
)
_SOURCE = _f(
    "source",
    "name",
    "the lead source: its name",
    m.LEN_SHORT,
    "lead source",
    "channel",
    "lead channel",
    "来源",
    "线索来源",
    "客户来源",
    "渠道",
)
_NOTES = _f(
    "notes",
    "text",
    "free text notes",
    m.LEN_NOTES,
    "note",
    "description",
    "comments",
    "comment",
    "remarks",
    "备注",
    "说明",
    "描述",
)
_PHONE = _f(
    "phone",
    "text",
    "phone number",
    m.LEN_PHONE,
    "telephone",
    "tel",
    "mobile",
    "phone number",
    "电话",
    "联系电话",
    "手机",
    "手机号",
)
_EMAIL = _f(
    "email", "text", "e-mail address", m.LEN_EMAIL, "e-mail", "mail", "邮箱", "电子邮件", "邮件地址"
)

DEAL_FIELDS = (
    _f(
        "external_ref",
        "text",
        "the deal's id in the other system (the key for updates)",
        m.LEN_REF,
        "external id",
        "opportunity id",
        "deal id",
        "id",
        "ref",
        "reference",
        "编号",
        "商机编号",
        "商机id",
        "机会编号",
        "外部编号",
        "单号",
    ),
    _f(
        "title",
        "text",
        "the deal's title",
        m.LEN_TITLE,
        "deal",
        "deal name",
        "deal title",
        "opportunity",
        "opportunity name",
        "name",
        "subject",
        "标题",
        "商机名称",
        "商机",
        "机会名称",
        "项目名称",
    ),
    _CUSTOMER,
    _CUSTOMER_REF,
    _OWNER,
    _f("pipeline", "name", "the pipeline: its key or name", m.LEN_NAME, "销售管道", "管道"),
    _f(
        "stage",
        "name",
        "the stage: its key or name, or won / lost",
        m.LEN_NAME,
        "deal stage",
        "sales stage",
        "status",
        "deal status",
        "阶段",
        "销售阶段",
        "商机阶段",
        "状态",
    ),
    _f(
        "open_stage",
        "name",
        "for a won or lost deal: the open stage it closed from (default: the first)",
        m.LEN_NAME,
        "last stage",
        "最后阶段",
    ),
    _f(
        "amount",
        "amount",
        "the deal's value",
        None,
        "value",
        "deal value",
        "close value",
        "deal amount",
        "revenue",
        "price",
        "金额",
        "成交金额",
        "合同金额",
        "商机金额",
        "预计金额",
        "销售额",
    ),
    _f("currency", "text", "a 3-letter currency code", 3, "币种", "货币"),
    _f(
        "expected_close",
        "day",
        "the expected close date",
        None,
        "expected close date",
        "expected close",
        "close by",
        "预计成交日期",
        "预计签约日期",
        "预计关闭日期",
    ),
    _SOURCE,
    _f(
        "created_at",
        "instant",
        "the first contact (when the deal was created)",
        None,
        "created",
        "created date",
        "create date",
        "created on",
        "creation date",
        "first contact",
        "engage date",
        "open date",
        "opened",
        "创建日期",
        "创建时间",
        "首次接触",
        "首次联系日期",
        "录入日期",
    ),
    _f(
        "closed_at",
        "instant",
        "when a won or lost deal closed",
        None,
        "close date",
        "closed",
        "closed date",
        "closing date",
        "won date",
        "lost date",
        "成交日期",
        "关闭日期",
        "结束日期",
        "赢单日期",
        "签约日期",
    ),
    _f(
        "lost_reason",
        "name",
        "why a lost deal was lost: a lost reason's name",
        m.LEN_SHORT,
        "loss reason",
        "reason",
        "输单原因",
        "丢单原因",
        "失败原因",
    ),
    _f(
        "stage_at",
        "instant",
        "when an updated deal entered its new open stage (default: now)",
        None,
        "stage date",
        "stage changed",
        "阶段日期",
    ),
    _NOTES,
)

CUSTOMER_FIELDS = (
    _f(
        "external_ref",
        "text",
        "the customer's id in the other system (the key for updates)",
        m.LEN_REF,
        "external id",
        "customer id",
        "account id",
        "id",
        "客户编号",
        "编号",
    ),
    _f(
        "company",
        "text",
        "the company name",
        m.LEN_TITLE,
        "account",
        "account name",
        "customer",
        "customer name",
        "company name",
        "client",
        "organization",
        "organisation",
        "name",
        "客户",
        "客户名称",
        "公司",
        "公司名称",
        "企业名称",
    ),
    _f("industry", "text", "the industry", m.LEN_SHORT, "sector", "行业", "所属行业"),
    _SOURCE,
    _OWNER,
    _f(
        "created_at",
        "instant",
        "when the customer was added",
        None,
        "created",
        "created date",
        "create date",
        "创建日期",
        "创建时间",
    ),
    _PHONE,
    _EMAIL,
    _f("website", "text", "web site", m.LEN_URL, "web", "url", "homepage", "网站", "网址", "官网"),
    _f(
        "address",
        "text",
        "address",
        m.LEN_ADDRESS,
        "location",
        "office location",
        "headquarters",
        "地址",
        "所在地",
        "公司地址",
    ),
    _NOTES,
)

CONTACT_FIELDS = (
    _CUSTOMER,
    _CUSTOMER_REF,
    _f(
        "name",
        "text",
        "the person's name",
        m.LEN_NAME,
        "contact",
        "contact name",
        "full name",
        "person",
        "姓名",
        "联系人",
        "联系人姓名",
    ),
    _f(
        "title",
        "text",
        "the person's job title",
        m.LEN_SHORT,
        "job title",
        "position",
        "role",
        "职位",
        "职务",
        "头衔",
    ),
    _PHONE,
    _EMAIL,
    _NOTES,
)

ACTIVITY_FIELDS = (
    _f(
        "kind",
        "name",
        "call, meeting, email, task or note",
        None,
        "type",
        "activity type",
        "类型",
        "活动类型",
        "方式",
    ),
    _f("subject", "text", "what it is about", m.LEN_TITLE, "title", "summary", "主题", "标题"),
    _OWNER,
    _f(
        "deal_ref",
        "name",
        "the deal's external id",
        m.LEN_REF,
        "deal id",
        "opportunity id",
        "deal",
        "商机编号",
        "商机",
    ),
    _CUSTOMER,
    _CUSTOMER_REF,
    _f(
        "due_at",
        "instant",
        "when it is due",
        None,
        "due",
        "due date",
        "deadline",
        "截止日期",
        "到期日期",
        "计划时间",
    ),
    _f(
        "done_at",
        "instant",
        "when it was done",
        None,
        "done date",
        "completed at",
        "completed date",
        "date",
        "完成日期",
        "完成时间",
        "日期",
    ),
    _f("done", "bool", "whether it is done", None, "completed", "is done", "已完成", "是否完成"),
    _NOTES,
)

USER_FIELDS = (
    _f(
        "login",
        "text",
        "the sign-in name (the key: a user is found by it)",
        m.LEN_LOGIN,
        "username",
        "user name",
        "user id",
        "登录名",
        "用户名",
        "账号",
    ),
    _f(
        "name",
        "text",
        "the name shown",
        m.LEN_NAME,
        "full name",
        "display name",
        "姓名",
        "名字",
    ),
    _f("role", "name", "rep, manager or admin (default rep)", None, "角色", "权限"),
    _EMAIL,
    _f("active", "bool", "whether the user may sign in (default yes)", None, "enabled", "启用"),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "deals": DEAL_FIELDS,
    "customers": CUSTOMER_FIELDS,
    "contacts": CONTACT_FIELDS,
    "activities": ACTIVITY_FIELDS,
    "users": USER_FIELDS,
}

#: The fields a new record needs (from a column, a template or a default). Contacts
#: need a customer (``customer`` or ``customer_ref``), activities a deal or a customer:
#: checked per row.
REQUIRED: dict[str, tuple[str, ...]] = {
    "deals": ("title",),
    "customers": ("company",),
    "contacts": ("name",),
    "activities": ("kind", "subject"),
    "users": ("login", "name"),
}

#: The field the key column feeds, per entity that can be updated by key.
KEY_FIELDS: dict[str, str] = {
    "deals": "external_ref",
    "customers": "external_ref",
    "users": "login",
}

_NORMALISE = re.compile(r"[\s_\-./()（）:：*#]+")


def normalise_header(text: str) -> str:
    """A header as compared with the synonyms: case-folded, without spaces and
    ``_ - . / ( ) : * #``."""
    return _NORMALISE.sub("", text.casefold())


def field_spec(entity: str, name: str) -> FieldSpec | None:
    return next((f for f in FIELDS.get(entity, ()) if f.name == name), None)
