"""User-facing errors: each carries a one-line message and an exit status.

Anything else that escapes a stage is a bug and is reported as one.
"""


class PipelineError(Exception):
    """A failure the user can act on (bad input, unwritable output, ...)."""

    exit_status = 1


class InputError(PipelineError):
    """An input file that cannot be read or understood."""


class PackageError(PipelineError):
    """A model package that is invalid or cannot be installed."""


class UsageError(PipelineError):
    """A command line that asks for something impossible."""

    exit_status = 2


class ModelMissingError(PipelineError):
    """No German→English model package is installed."""

    exit_status = 2


class ClusterError(PipelineError):
    """The cluster cannot be used: its scheduler is unreachable or lost, or a worker's model differs."""
