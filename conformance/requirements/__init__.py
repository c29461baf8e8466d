"""The requirement catalogue: one entry per testable statement of SPEC.md, a module per family.

Tuple order is report order. SPEC.md's requirements section is generated from it
(``python -m conformance.spec --write SPEC.md``; ``--check`` fails on drift).
"""

from __future__ import annotations

from conformance.model import Requirement
from conformance.requirements.badinput import BADINPUT
from conformance.requirements.badtoken import BADTOKEN
from conformance.requirements.cancel import CANCEL
from conformance.requirements.chaos import CHAOS
from conformance.requirements.complete import COMPLETE
from conformance.requirements.concurrency import CONCURRENCY
from conformance.requirements.create import CREATE
from conformance.requirements.fail import FAIL
from conformance.requirements.liveness import LIVENESS
from conformance.requirements.log import LOG
from conformance.requirements.notoken import NOTOKEN
from conformance.requirements.retry import RETRY
from conformance.requirements.timeout import TIMEOUT
from conformance.requirements.token import TOKEN

REQUIREMENTS: tuple[Requirement, ...] = (
    *CREATE,
    *TOKEN,
    *COMPLETE,
    *FAIL,
    *NOTOKEN,
    *RETRY,
    *BADTOKEN,
    *BADINPUT,
    *LIVENESS,
    *CONCURRENCY,
    *CHAOS,
    *LOG,
    *CANCEL,
    *TIMEOUT,
)
