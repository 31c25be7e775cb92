"""The one Logger and one Metrics of the service (Powertools).

Log lines are structured JSON, so input cannot forge a line. Never log
passwords, tokens, dates of birth, email addresses or update text: log ids.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="track-my-crime")
metrics = Metrics(namespace="TrackMyCrime", service="track-my-crime")
