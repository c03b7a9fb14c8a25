"""Tools for developers, not for users: inputs for tests and the benchmark."""
