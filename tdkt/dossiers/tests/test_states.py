"""The dossier's state table: total, Vietnamese, and no path around the law's steps."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tdkt.dossiers import states as s
from tdkt.dossiers.states import Context, Moved, Refusal, step

ALL_ROLES = frozenset({s.PROPOSER, s.RECEIVER, s.SPECIALIST, s.DECIDER})


def test_every_state_and_action_gives_an_answer_in_vietnamese() -> None:
    flags = list(itertools.product([False, True], repeat=4))
    for state, action in itertools.product(s.STATES, s.ACTIONS):
        for posting, council, here, reason in flags:
            for roles in (frozenset(), ALL_ROLES, frozenset({s.PROPOSER})):
                ctx = Context(
                    roles=roles,
                    has_reason=reason,
                    needs_posting=posting,
                    posting_over=True,
                    needs_council=council,
                    council_done=True,
                    decides_here=here,
                )
                result = step(state, action, ctx)
                assert isinstance(result, Moved | Refusal)
                if isinstance(result, Refusal):
                    assert (
                        result.reason and action not in result.reason and state not in result.reason.split()
                    )
                else:
                    assert result.state in s.STATES


def test_the_plain_path_of_a_unit_title_dossier() -> None:
    ctx = Context(roles=ALL_ROLES)
    state = s.DRAFT
    for action in (s.SEND, s.RECEIVE, s.ASSIGN, s.CHECK, s.APPROVE, s.DECIDE):
        result = step(state, action, ctx)
        assert isinstance(result, Moved), (state, action, result)
        state = result.state
    assert state == s.DECIDED


def test_an_order_is_posted_then_put_to_the_council_then_forwarded_up() -> None:
    ctx = Context(roles=ALL_ROLES, needs_posting=True, needs_council=True, decides_here=False)
    state = s.DRAFT
    for action in (s.SEND, s.RECEIVE, s.ASSIGN, s.CHECK, s.POST):
        state = step(state, action, ctx).state  # type: ignore[union-attr]
    early = step(state, s.TO_COUNCIL, ctx)
    assert early == Refusal("chưa hết thời gian công khai lấy ý kiến")
    over = Context(
        roles=ALL_ROLES, needs_posting=True, posting_over=True, needs_council=True, decides_here=False
    )
    state = step(state, s.TO_COUNCIL, over).state  # type: ignore[union-attr]
    assert step(state, s.APPROVE, over) == Refusal("Hội đồng chưa có kết quả bỏ phiếu")
    done = Context(
        roles=ALL_ROLES,
        needs_posting=True,
        posting_over=True,
        needs_council=True,
        council_done=True,
        decides_here=False,
    )
    state = step(state, s.APPROVE, done).state  # type: ignore[union-attr]
    assert isinstance(step(state, s.DECIDE, done), Refusal)
    assert step(state, s.FORWARD, done) == Moved(s.FORWARDED)


def test_sending_an_incomplete_dossier_names_what_is_missing() -> None:
    ctx = Context(roles=frozenset({s.PROPOSER}), missing=("tờ trình", "biên bản họp"))
    assert step(s.DRAFT, s.SEND, ctx) == Refusal("hồ sơ còn thiếu: tờ trình; biên bản họp")
    assert step(s.DRAFT, s.SEND, Context(roles=frozenset({s.PROPOSER}), has_lines=False)) == Refusal(
        "hồ sơ chưa có ai được đề nghị"
    )


def test_a_return_needs_a_reason_and_the_receivers_hand() -> None:
    assert step(s.RECEIVED, s.RETURN, Context(roles=frozenset({s.RECEIVER}))) == Refusal(
        "trả lại hồ sơ phải ghi rõ lý do"
    )
    assert isinstance(
        step(s.RECEIVED, s.RETURN, Context(roles=frozenset({s.PROPOSER}), has_reason=True)), Refusal
    )
    assert step(s.RECEIVED, s.RETURN, Context(roles=frozenset({s.RECEIVER}), has_reason=True)) == Moved(
        s.RETURNED
    )


def test_the_proposer_cannot_check_approve_or_decide_their_own_dossier() -> None:
    ctx = Context(roles=frozenset({s.PROPOSER}))
    for state, action in ((s.CHECKING, s.CHECK), (s.CHECKED, s.APPROVE), (s.APPROVED, s.DECIDE)):
        assert isinstance(step(state, action, ctx), Refusal)


def test_a_decided_dossier_never_moves_again() -> None:
    for action in s.ACTIONS:
        assert isinstance(step(s.DECIDED, action, Context(roles=ALL_ROLES, has_reason=True)), Refusal)


_actions = st.sampled_from(s.ACTIONS)
_roles = st.frozensets(st.sampled_from(sorted(ALL_ROLES)))


@settings(max_examples=400, deadline=None)
@given(
    posting=st.booleans(),
    council=st.booleans(),
    moves=st.lists(st.tuples(_actions, _roles, st.booleans(), st.booleans(), st.booleans()), max_size=30),
)
def test_no_sequence_skips_a_step_the_track_requires(
    posting: bool, council: bool, moves: list[tuple[str, frozenset[str], bool, bool, bool]]
) -> None:
    state = s.DRAFT
    seen_since_send: list[str] = []
    for action, roles, reason, over, done in moves:
        ctx = Context(
            roles=roles,
            has_reason=reason,
            needs_posting=posting,
            posting_over=over,
            needs_council=council,
            council_done=done,
        )
        result = step(state, action, ctx)
        if isinstance(result, Refusal):
            continue
        if result.state in (s.DRAFT, s.RETURNED):
            seen_since_send = []
        else:
            seen_since_send.append(result.state)
        if result.state == s.APPROVED:
            assert s.CHECKED in seen_since_send
            assert (s.POSTED in seen_since_send) == posting
            assert (s.COUNCIL in seen_since_send) == council
        if result.state == s.DECIDED:
            assert s.APPROVED in seen_since_send and s.DECIDER in roles
        if result.state == s.SENT:
            assert s.PROPOSER in roles
        state = result.state
