"""How the test command reads Odoo's log (lines in Odoo 18.0's own format)."""

from run_tests import OdooLogReport

PREFIX = "2026-11-21 09:19:21,192 4328 {level} omnichannel_test {logger}: "


def line(level, logger, message):
    return PREFIX.format(level=level, logger=logger) + message


RESULT_OK = line(
    "INFO", "odoo.tests.result", "0 failed, 0 error(s) of 6 tests when loading database 'x' "
)


def report_of(*lines):
    report = OdooLogReport()
    for text in lines:
        report.feed(text)
    return report


def test_clean_run():
    out = report_of(line("INFO", "odoo.modules.loading", "Modules loaded."), RESULT_OK).outcome(0)
    assert (out.passed, out.failed, out.skipped, out.problems) == (6, 0, 0, [])


def test_failures_and_errors_count():
    result = line(
        "ERROR", "odoo.tests.result", "1 failed, 2 error(s) of 6 tests when loading database 'x'"
    )
    out = report_of(result).outcome(1)
    assert (out.passed, out.failed) == (3, 3)


def test_error_line_alone_fails():
    out = report_of(line("ERROR", "odoo.addons.x", "something broke"), RESULT_OK).outcome(0)
    assert out.failed == 1
    assert "1 ERROR/CRITICAL line(s)" in out.problems[0]


def test_critical_line_fails():
    out = report_of(line("CRITICAL", "odoo.service.server", "Failed to initialize"), RESULT_OK)
    assert out.outcome(0).failed == 1


def test_browser_skip_is_a_failure():
    skip = line(
        "INFO",
        "odoo.addons.x.tests.test_tour",
        "skipped TestTour.test_tour : Chrome executable not found",
    )
    out = report_of(skip, RESULT_OK).outcome(0)
    assert (out.passed, out.failed, out.skipped) == (5, 1, 0)
    assert "Chrome executable not found" in out.problems[0]


def test_websocket_client_skip_is_a_failure():
    skip = line(
        "INFO",
        "odoo.addons.x.tests.test_tour",
        "skipped TestTour.test_tour : websocket-client module is not installed",
    )
    assert report_of(skip, RESULT_OK).outcome(0).failed == 1


def test_other_skip_is_only_skipped():
    skip = line("INFO", "odoo.addons.x.tests.test_a", "skipped TestA.test_a : needs a printer")
    out = report_of(skip, RESULT_OK).outcome(0)
    assert (out.passed, out.failed, out.skipped) == (5, 0, 1)


def test_no_result_line_fails():
    out = report_of(line("INFO", "odoo.modules.loading", "loading 1 modules...")).outcome(0)
    assert out.failed == 1
    assert "did not report" in out.problems[0]


def test_non_zero_exit_without_other_cause_fails():
    assert report_of(RESULT_OK).outcome(3).failed == 1


def test_traceback_continuation_lines_are_ignored():
    out = report_of("Traceback (most recent call last):", '  File "x.py"', RESULT_OK).outcome(0)
    assert out.failed == 0


def test_no_test_run_fails():
    result = line(
        "WARNING", "odoo.tests.result", "0 failed, 0 error(s) of 0 tests when loading database 'x'"
    )
    out = report_of(result).outcome(0)
    assert out.failed == 1
    assert "ran no test" in out.problems[0]
