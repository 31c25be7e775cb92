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


# Metrics an alarm watches before the code that publishes them is merged, each
# with who adds it. Remove the entry once the metric is in chalicelib/.
COMING_METRICS: dict[str, str] = {}


def _alarms() -> dict[str, dict]:
    return {logical_id: alarm["Properties"]
            for logical_id, alarm in resources("data.yaml", "AWS::CloudWatch::Alarm").items()}


def test_alarms_watch_metrics_the_app_or_its_log_filters_publish():
    source = "\n".join(p.read_text() for p in (ROOT / "chalicelib").rglob("*.py"))
    filtered = {t["MetricName"] for f in resources("data.yaml", "AWS::Logs::MetricFilter").values()
                for t in f["Properties"]["MetricTransformations"]}
    for namespace, name in _alarm_metrics():
        if namespace == "TrackMyCrime":
            assert f'"{name}"' in source or name in filtered or name in COMING_METRICS, name
    assert ("TrackMyCrime", "SignInsThrottled") in _alarm_metrics()


def test_alarms_on_app_metrics_carry_the_dimension_powertools_publishes():
    # Powertools' Metrics adds `service` to every EMF metric; an alarm without
    # it (or with another value) watches a metric nobody publishes.
    from chalicelib.observability import metrics

    filtered = {t["MetricName"] for f in resources("data.yaml", "AWS::Logs::MetricFilter").values()
                for t in f["Properties"]["MetricTransformations"]}
    for props in _alarms().values():
        queries = [props] + [q["MetricStat"]["Metric"] for q in props.get("Metrics", []) if "MetricStat" in q]
        for query in queries:
            if query.get("Namespace") == "TrackMyCrime" and query["MetricName"] not in filtered:
                assert query["Dimensions"] == [{"Name": "service", "Value": metrics.service}], query


def test_a_failed_erasure_alarms_at_once():
    alarm = _alarms()["ErasureFailuresAlarm"]
    retention = (ROOT / "chalicelib" / "retention" / "service.py").read_text()
    assert 'name="ErasureFailures"' in retention
    assert (alarm["Namespace"], alarm["MetricName"]) == ("TrackMyCrime", "ErasureFailures")
    assert alarm["Statistic"] == "Sum" and alarm["Period"] == 300 and alarm["EvaluationPeriods"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold" and alarm["Threshold"] == 1
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_erasures_still_pending_after_an_hour_alarm():
    alarm = _alarms()["ErasuresPendingAlarm"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("TrackMyCrime", "ErasuresPending")
    # Never back to zero in any 5-minute window, twelve windows running.
    assert alarm["Statistic"] == "Minimum"
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0
    assert alarm["Period"] * alarm["EvaluationPeriods"] == 3600
    assert alarm["DatapointsToAlarm"] == alarm["EvaluationPeriods"]
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_throttled_sign_ins_filter_matches_what_the_app_logs():
    metric_filter = resources("data.yaml", "AWS::Logs::MetricFilter")["ThrottledSignInsFilter"]
    pattern = metric_filter["Properties"]["FilterPattern"]
    victims = (ROOT / "chalicelib" / "victims" / "service.py").read_text()
    assert '$.message = "sign-in failed"' in pattern and 'logger.info("sign-in failed"' in victims
    assert '$.reason = "throttled"' in pattern and '"reason": "throttled"' in victims


def test_iterator_age_alarm_watches_the_stream_handler():
    (stream_handler,) = [s.name for s in _app().event_sources if type(s).__name__ == "DynamoDBEventConfig"]
    assert _default("AlertSenderFunction") == stream_handler


def test_every_function_logs_to_an_encrypted_log_group_with_retention():
    groups = {}
    for group in resources("data.yaml", "AWS::Logs::LogGroup").values():
        props = group["Properties"]
        if not props["LogGroupName"]["Fn::Sub"].startswith("/aws/lambda/"):
            continue
        name = re.sub(r"\$\{AlertSenderFunction\}", _default("AlertSenderFunction"),
                      props["LogGroupName"]["Fn::Sub"])
        groups[name] = props
    expected = {"/aws/lambda/track-my-crime-${Stage}"} | {
        f"/aws/lambda/track-my-crime-${{Stage}}-{name}" for name in _function_names()}
    assert set(groups) == expected
    for props in groups.values():
        assert props["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
        assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_stages_other_log_groups_are_encrypted_kept_and_out_of_the_functions_reach():
    from tests.infra.support import CHALICE_DIR, policy

    others = {props["LogGroupName"]["Fn::Sub"]: props for props in
              (g["Properties"] for g in resources("data.yaml", "AWS::Logs::LogGroup").values())
              if not props["LogGroupName"]["Fn::Sub"].startswith("/aws/lambda/")}
    assert others
    key_policy = resources("data.yaml", "AWS::KMS::Key")["DataKey"]["Properties"]["KeyPolicy"]
    (logs_statement,) = [s for s in key_policy["Statement"] if s["Sid"] == "LogsEncryptStageLogGroups"]
    encryptable = [p["Fn::Sub"] for p in logs_statement["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]]
    for name, props in others.items():
        assert name.startswith("/track-my-crime/${Stage}/"), name
        assert props["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
        assert props["RetentionInDays"]
        assert any(pattern.endswith(":log-group:/track-my-crime/${Stage}/*") for pattern in encryptable)
    # The functions write their own groups only (/aws/lambda/track-my-crime-STAGE*).
    for path in CHALICE_DIR.glob("policy-*.json"):
        for statement in policy(path.name)["Statement"]:
            for resource in statement["Resource"]:
                if resource.startswith("arn:aws:logs:"):
                    assert ":log-group:/aws/lambda/track-my-crime-" in resource, (path.name, resource)


def _chalice_function_name(name: str) -> str:
    """Chalice's Lambda name for an app.py function (the API's is the bare app name)."""
    return "track-my-crime-${Stage}" if name == "api_handler" else f"track-my-crime-${{Stage}}-{name}"


def test_every_function_has_an_errors_alarm():
    watched = set()
    for props in _alarms().values():
        if props.get("Namespace") == "AWS/Lambda" and props.get("MetricName") == "Errors":
            (dimension,) = props["Dimensions"]
            name = dimension["Value"]["Fn::Sub"]
            watched.add(name.replace("${AlertSenderFunction}", _default("AlertSenderFunction")))
    assert watched == {_chalice_function_name(n) for n in ["api_handler", *_function_names()]}


def test_ses_bounce_and_complaint_rates_alarm_before_ses_would_pause_sending():
    by_metric = {p.get("MetricName"): p for p in _alarms().values()}
    assert by_metric["Reputation.BounceRate"]["Threshold"] <= 0.05
    assert by_metric["Reputation.ComplaintRate"]["Threshold"] <= 0.001


def test_given_up_events_alarm_and_the_dashboard_shows_the_alarms():
    by_metric = {p.get("MetricName"): p for p in _alarms().values()}
    assert by_metric["ApproximateNumberOfMessagesVisible"]["Threshold"] == 1
    (dashboard,) = resources("data.yaml", "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"][0]
    for alarm in ("alerts-failing", "failed-events", "erasure-failures", "ses-bounce-rate"):
        assert f"alarm:track-my-crime-${{Stage}}-{alarm}" in body


def test_the_dashboard_body_is_json_once_substituted():
    import json

    (dashboard,) = resources("data.yaml", "AWS::CloudWatch::Dashboard").values()
    body = re.sub(r"\$\{[^}]+\}", "x", dashboard["Properties"]["DashboardBody"]["Fn::Sub"][0])
    assert len(json.loads(body)["widgets"]) >= 6
