"""pytest settings of the suite, on top of pytest-odoo.

Two rules of Odoo's own test runner that pytest-odoo does not keep:

* an error logged during a test fails it (Odoo's runner counts logged errors;
  a test that expects one mutes it with ``mute_logger`` or ``assertLogs``);
* nothing may be skipped: a browser tour skipped for want of ``--odoo-http``
  or of Chromium is a tour that did not run, so a skip fails the session.
"""

import logging

import pytest

# pytest-odoo imports odoo.tests before it turns test mode on (it does so per test
# module), and Odoo logs that import as an error outside test mode. It is expected here.
logging.getLogger("odoo.tests.common").addFilter(lambda record: "Importing test framework" not in record.msg)


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_logged_errors(request):
    collector = _ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if collector.records:
        messages = "\n".join(f"{r.name}: {r.getMessage()}" for r in collector.records)
        pytest.fail(f"{request.node.nodeid} logged errors:\n{messages}", pytrace=False)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter.write_line(f"{len(skipped)} test(s) skipped: a skipped test is not a passing one.", red=True)
