"""The alarms watch metrics that exist, and every function of app.py logs to a
log group made by infra/ (encrypted, with a retention period)."""

from __future__ import annotations

import re

from tests.infra.support import ROOT, resources, template


def _app():
    import app

    return app.app


def _default(parameter: str) -> str:
    return template("data.yaml")["Parameters"][parameter]["Default"]


def _alarm_metrics() -> list[tuple[str, str]]:
    found = []
    for alarm in resources("data.yaml", "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if "MetricName" in props:
            found.append((props["Namespace"], props["MetricName"]))
        for query in props.get("Metrics", []):
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                found.append((metric["Namespace"], metric["MetricName"]))
    return found


def _function_names() -> list[str]:
    app = _app()
    return [source.name for source in app.event_sources] + [a.name for a in app.builtin_auth_handlers]


def test_alarms_watch_metrics_the_app_or_its_log_filters_publish():
    source = "\n".join(p.read_text() for p in (ROOT / "chalicelib").rglob("*.py"))
    filtered = {t["MetricName"] for f in resources("data.yaml", "AWS::Logs::MetricFilter").values()
                for t in f["Properties"]["MetricTransformations"]}
    for namespace, name in _alarm_metrics():
        if namespace == "TrackMyCrime":
            assert f'"{name}"' in source or name in filtered, name
    assert ("TrackMyCrime", "SignInsThrottled") in _alarm_metrics()


def test_throttled_sign_ins_filter_matches_what_the_app_logs():
    (metric_filter,) = resources("data.yaml", "AWS::Logs::MetricFilter").values()
    pattern = metric_filter["Properties"]["FilterPattern"]
    victims = (ROOT / "chalicelib" / "victims" / "service.py").read_text()
    assert '$.message = "sign-in failed"' in pattern and 'logger.info("sign-in failed"' in victims
    assert '$.reason = "throttled"' in pattern and '"throttled")' in victims


def test_iterator_age_alarm_watches_the_stream_handler():
    (stream_handler,) = [s.name for s in _app().event_sources if type(s).__name__ == "DynamoDBEventConfig"]
    assert _default("AlertSenderFunction") == stream_handler


def test_every_function_logs_to_an_encrypted_log_group_with_retention():
    groups = {}
    for group in resources("data.yaml", "AWS::Logs::LogGroup").values():
        props = group["Properties"]
        name = re.sub(r"\$\{AlertSenderFunction\}", _default("AlertSenderFunction"),
                      props["LogGroupName"]["Fn::Sub"])
        groups[name] = props
    expected = {"/aws/lambda/track-my-crime-${Stage}"} | {
        f"/aws/lambda/track-my-crime-${{Stage}}-{name}" for name in _function_names()}
    assert set(groups) == expected
    for props in groups.values():
        assert props["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
        assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}
