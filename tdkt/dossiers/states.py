"""A proposal dossier's life, as a table. Pure: no Django.

A dossier (hồ sơ đề nghị khen thưởng) is drafted by its proposer, sent to the receiver the hierarchy names
on the send date, received, handed to a specialist who checks it, posted for public comment and put to the
emulation council where its track asks for them, approved, and decided (or forwarded up when the deciding
authority is above the receiver). It can be returned with a reason at any point before approval; the
proposer edits it and sends it again. Design: docs/decisions/0007-dossiers.md.

`step(state, action, ctx)` is the one place that says what may happen: it returns the next state, or a
`Refusal` with the Vietnamese reason. Services apply it; they never compare states themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
SENT = "sent"
RECEIVED = "received"
CHECKING = "checking"
CHECKED = "checked"
POSTED = "posted"
COUNCIL = "council"
APPROVED = "approved"
FORWARDED = "forwarded"
DECIDED = "decided"
RETURNED = "returned"

STATE_NAMES = {
    DRAFT: "Đang soạn",
    SENT: "Đã gửi, chờ tiếp nhận",
    RECEIVED: "Đã tiếp nhận",
    CHECKING: "Đang thẩm định",
    CHECKED: "Đã thẩm định",
    POSTED: "Đang công khai lấy ý kiến",
    COUNCIL: "Hội đồng Thi đua – Khen thưởng đang xét",
    APPROVED: "Đã thống nhất đề nghị",
    FORWARDED: "Đã trình cấp trên",
    DECIDED: "Đã có quyết định",
    RETURNED: "Bị trả lại",
}
STATES = tuple(STATE_NAMES)

# Once here the dossier's lines are fixed: only the proposer's draft (or a returned dossier) is edited.
EDITABLE = frozenset({DRAFT, RETURNED})
FINAL = frozenset({DECIDED, FORWARDED})

SEND = "send"
WITHDRAW = "withdraw"
RECEIVE = "receive"
RETURN = "return"
ASSIGN = "assign"
CHECK = "check"
POST = "post"
TO_COUNCIL = "to_council"
APPROVE = "approve"
FORWARD = "forward"
DECIDE = "decide"

ACTION_NAMES = {
    SEND: "Gửi hồ sơ",
    WITHDRAW: "Rút hồ sơ về để sửa",
    RECEIVE: "Tiếp nhận",
    RETURN: "Trả lại",
    ASSIGN: "Giao chuyên viên thẩm định",
    CHECK: "Hoàn thành thẩm định",
    POST: "Công khai danh sách",
    TO_COUNCIL: "Trình Hội đồng",
    APPROVE: "Thống nhất đề nghị",
    FORWARD: "Trình cấp trên",
    DECIDE: "Ký quyết định",
}
ACTIONS = tuple(ACTION_NAMES)

# Who acts. The service decides which roles the viewer holds for a dossier; the table decides what each
# role may do.
PROPOSER = "proposer"  # the proposing unit's staff (the cluster head's staff for a cluster's proposal)
RECEIVER = "receiver"  # the receiving office (the province's board, or the parent unit's staff)
SPECIALIST = "specialist"  # the account the receiver assigned
DECIDER = "decider"  # the authority that signs (the board registers the number and date)


@dataclass(frozen=True, slots=True)
class Context:
    """What the table needs to know besides the state. `missing` lists the required documents or facts not
    yet there; `posting_over` says the public posting's period has ended; `council_done` that the council's
    ballot has a result applied; `decides_here` that the receiver's level signs (else the dossier goes up);
    `forward_in_system` that going up sends it to the next level in TĐKT (else it leaves for the centre)."""

    roles: frozenset[str]
    has_reason: bool = False
    missing: tuple[str, ...] = ()
    needs_posting: bool = False
    posting_over: bool = False
    needs_council: bool = False
    council_done: bool = False
    decides_here: bool = True
    has_lines: bool = True
    forward_in_system: bool = False  # the next level is in TĐKT (a district to the province): sent again


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str


@dataclass(frozen=True, slots=True)
class Moved:
    state: str


def _role(ctx: Context, *roles: str) -> bool:
    return bool(ctx.roles & set(roles))


def step(state: str, action: str, ctx: Context) -> Moved | Refusal:
    """The state after `action`, or why it is refused."""
    if state not in STATE_NAMES:
        return Refusal(f"trạng thái “{state}” không hợp lệ")
    if action not in ACTION_NAMES:
        return Refusal(f"thao tác “{action}” không hợp lệ")
    now = STATE_NAMES[state].lower()
    label = ACTION_NAMES[action].lower()

    def refuse_state() -> Refusal:
        return Refusal(f"không thể {label} khi hồ sơ {now}")

    if action == SEND:
        if state not in EDITABLE:
            return refuse_state()
        if not _role(ctx, PROPOSER):
            return Refusal("chỉ đơn vị đề nghị mới gửi được hồ sơ")
        if not ctx.has_lines:
            return Refusal("hồ sơ chưa có ai được đề nghị")
        if ctx.missing:
            return Refusal("hồ sơ còn thiếu: " + "; ".join(ctx.missing))
        return Moved(SENT)
    if action == WITHDRAW:
        if state != SENT:
            return Refusal("chỉ rút được hồ sơ đã gửi mà nơi nhận chưa tiếp nhận")
        if not _role(ctx, PROPOSER):
            return Refusal("chỉ đơn vị đề nghị mới rút được hồ sơ")
        return Moved(DRAFT)
    if action == RECEIVE:
        if state != SENT:
            return refuse_state()
        if not _role(ctx, RECEIVER):
            return Refusal("chỉ nơi nhận hồ sơ mới tiếp nhận được")
        return Moved(RECEIVED)
    if action == RETURN:
        if state not in (SENT, RECEIVED, CHECKING, CHECKED, POSTED, COUNCIL):
            return refuse_state()
        if not _role(ctx, RECEIVER, SPECIALIST):
            return Refusal("chỉ nơi nhận hoặc chuyên viên thẩm định mới trả lại được hồ sơ")
        if not ctx.has_reason:
            return Refusal("trả lại hồ sơ phải ghi rõ lý do")
        return Moved(RETURNED)
    if action == ASSIGN:
        if state not in (RECEIVED, CHECKING):
            return refuse_state()
        if not _role(ctx, RECEIVER):
            return Refusal("chỉ nơi nhận hồ sơ mới giao chuyên viên thẩm định")
        return Moved(CHECKING)
    if action == CHECK:
        if state != CHECKING:
            return refuse_state()
        if not _role(ctx, SPECIALIST):
            return Refusal("chỉ chuyên viên được giao mới hoàn thành thẩm định")
        return Moved(CHECKED)
    if action == POST:
        if state != CHECKED:
            return refuse_state()
        if not _role(ctx, RECEIVER):
            return Refusal("chỉ nơi nhận hồ sơ mới công khai danh sách")
        if not ctx.needs_posting:
            return Refusal("loại hồ sơ này không phải công khai lấy ý kiến")
        return Moved(POSTED)
    if action == TO_COUNCIL:
        if not _role(ctx, RECEIVER):
            return Refusal("chỉ nơi nhận hồ sơ mới trình Hội đồng")
        if not ctx.needs_council:
            return Refusal("loại hồ sơ này không phải trình Hội đồng Thi đua – Khen thưởng")
        if ctx.needs_posting:
            if state != POSTED:
                return Refusal("phải công khai danh sách trước khi trình Hội đồng")
            if not ctx.posting_over:
                return Refusal("chưa hết thời gian công khai lấy ý kiến")
        elif state != CHECKED:
            return refuse_state()
        return Moved(COUNCIL)
    if action == APPROVE:
        if not _role(ctx, RECEIVER):
            return Refusal("chỉ nơi nhận hồ sơ mới thống nhất đề nghị")
        if ctx.needs_council:
            if state != COUNCIL:
                return Refusal("hồ sơ phải được Hội đồng Thi đua – Khen thưởng xét trước")
            if not ctx.council_done:
                return Refusal("Hội đồng chưa có kết quả bỏ phiếu")
        elif ctx.needs_posting:
            if state != POSTED:
                return Refusal("phải công khai danh sách trước khi thống nhất đề nghị")
            if not ctx.posting_over:
                return Refusal("chưa hết thời gian công khai lấy ý kiến")
        elif state != CHECKED:
            return refuse_state()
        return Moved(APPROVED)
    if action == FORWARD:
        if state != APPROVED:
            return refuse_state()
        if not _role(ctx, RECEIVER):
            return Refusal("chỉ nơi nhận hồ sơ mới trình cấp trên")
        if ctx.decides_here:
            return Refusal("hồ sơ thuộc thẩm quyền quyết định của cấp này, không trình cấp trên")
        return Moved(SENT if ctx.forward_in_system else FORWARDED)
    # DECIDE
    if state != APPROVED:
        return Refusal("chỉ ký quyết định cho hồ sơ đã được thống nhất đề nghị")
    if not _role(ctx, DECIDER):
        return Refusal("chỉ người có thẩm quyền mới ký quyết định")
    if not ctx.decides_here:
        return Refusal("hồ sơ thuộc thẩm quyền của cấp trên: hãy trình cấp trên")
    return Moved(DECIDED)
