"""Offline answers for the invokes (data sources) a Pulumi program calls under preflight.

``InvokeResolver(program_dir, stack_config).answer(token, args, provider_inputs)`` returns a
matching fixture from ``preflight.yaml``, else a built-in answer, else raises
:class:`UnansweredInvokeError`. ``resolver.records`` lists every answer given and its source.
"""

from .errors import (
    FixtureFileError,
    InvalidInvokeArgumentsError,
    InvokeError,
    InvokeResultUnknown,
    UnansweredInvokeError,
)
from .fixtures import FIXTURE_FILE
from .resolver import BUILTINS, InvokeRecord, InvokeResolver

__all__ = [
    "BUILTINS",
    "FIXTURE_FILE",
    "FixtureFileError",
    "InvalidInvokeArgumentsError",
    "InvokeError",
    "InvokeRecord",
    "InvokeResolver",
    "InvokeResultUnknown",
    "UnansweredInvokeError",
]
