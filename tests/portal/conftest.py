# The personas and the measure of the applications tests, for the header and audit tests.
from tests.applications.conftest import measure, personas  # noqa: F401
