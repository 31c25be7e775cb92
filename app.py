"""Track My Crime: the map of the service. Every route and event handler, each a
few lines; the work is in chalicelib/."""

from chalice import AuthResponse, Chalice, Response
from chalice.app import Request

from chalicelib import observability
from chalicelib.bootstrap import services
from chalicelib.config import chalice_command, event_sources
from chalicelib.core import i18n
from chalicelib.core.domain import iso
from chalicelib.core.errors import OfficerUnauthorized
from chalicelib.officers.csv_upload import items_from_csv
from chalicelib.web import gateway, http, presenters
from chalicelib.web.officer_auth import officer_from_context, officer_to_context

# configure_logs=False: Powertools' Logger owns logging; Chalice's would print twice.
app = Chalice(app_name="track-my-crime", configure_logs=False)
# Every invocation, of every handler: the Lambda context in its log lines, its metrics published.
app.register_middleware(observability.per_invocation, "all")
# Under `chalice deploy`/`package` only: API Gateway's own answers (401, 404, 429,
# 413, 5xx) carry the security headers from the moment the API exists (web/gateway.py).
if chalice_command() in ("deploy", "package"):
    gateway.include_in_chalice_swagger()


@app.middleware("http")
def every_response(event, get_response):
    from chalicelib.web import edge

    settings = services().settings
    # Messages made for this request (errors, field messages, refusals) are in
    # the language it asks for: Welsh when Welsh ranks first, else English.
    with i18n.use(i18n.from_accept_language(event.headers.get("accept-language"))) as lang:
        # First: a request that did not come through CloudFront reaches nothing (web/edge.py).
        refused = edge.refusal(event.headers, settings)
        if refused is not None:
            response = http.error_response(refused)
        # A preflight carries no token; it reaches only the `preflight` view below.
        elif event.path.startswith("/officer/") and event.method != "OPTIONS" \
                and not (event.context.get("authorizer") or {}).get("officerId"):
            response = http.error_response(OfficerUnauthorized())
        else:
            response = http.normalise_framework_error(get_response(event))
    response.headers["Content-Language"] = lang
    response = http.with_cors(response, event.path, event.headers.get("origin"), settings.site_origin)
    return http.with_security_headers(response)


@app.authorizer()
def officer_token(auth_request):
    # The token is checked here; a refused token reaches no view: the middleware
    # above answers 401 in the contract's error shape (API Gateway, chalice local
    # and the test client would each answer differently to a raised error).
    try:
        officer = services().officer_tokens.verify(auth_request.token)
    except OfficerUnauthorized:
        return AuthResponse(routes=["*"], principal_id="anonymous", context={"refused": "true"})
    return AuthResponse(routes=["*"], principal_id=officer.id, context=officer_to_context(officer))


def _request() -> Request:
    request = app.current_request
    assert request is not None, "only views, which Chalice gives a request, call this"
    return request


def _officer():
    return officer_from_context(_request().context.get("authorizer"))


@app.route("/health", methods=["GET"])
def health():
    return {"status": "ok"}


# CORS preflights: answered by the app (not an API Gateway mock) so that they
# carry the security headers too; CORS only for the configured site origin.
@app.route("/health", methods=["OPTIONS"])
@app.route("/victim/register", methods=["OPTIONS"])
@app.route("/victim/sign-in", methods=["OPTIONS"])
@app.route("/victim/case", methods=["OPTIONS"])
@app.route("/victim/sign-out", methods=["OPTIONS"])
@app.route("/victim/password", methods=["OPTIONS"])
@app.route("/victim/password-reset", methods=["OPTIONS"])
@app.route("/victim/password-reset/complete", methods=["OPTIONS"])
@app.route("/victim/update-request", methods=["OPTIONS"])
@app.route("/victim/messages", methods=["OPTIONS"])
@app.route("/victim/session/keep-alive", methods=["OPTIONS"])
@app.route("/victim/account", methods=["OPTIONS"])
@app.route("/victim/contact-agreement", methods=["OPTIONS"])
@app.route("/victim/account/email", methods=["OPTIONS"])
@app.route("/victim/account/mobile", methods=["OPTIONS"])
@app.route("/victim/account/confirm", methods=["OPTIONS"])
@app.route("/victim/stop", methods=["OPTIONS"])
@app.route("/officer/cases", methods=["OPTIONS"])
@app.route("/officer/cases/{crime_number}", methods=["OPTIONS"])
@app.route("/officer/cases/{crime_number}/updates", methods=["OPTIONS"])
@app.route("/officer/cases/{crime_number}/contacts/{contact_id}/invitation", methods=["OPTIONS"])
@app.route("/officer/uploads", methods=["OPTIONS"])
@app.route("/officer/inbox", methods=["OPTIONS"])
@app.route("/officer/cases/{crime_number}/contacts/{contact_id}/messages", methods=["OPTIONS"])
@app.route("/officer/cases/{crime_number}/contacts/{contact_id}/safe-contact", methods=["OPTIONS"])
def preflight(**_):
    request = _request()
    path = request.context.get("resourcePath", request.path)
    methods = [m for m in app.routes.get(path, {}) if m != "OPTIONS"]
    return http.preflight_response(path, request.headers.get("origin"), services().settings.site_origin, methods)


# -- victims and witnesses -------------------------------------------------------------


@app.route("/victim/register", methods=["POST"])
@http.handled
def register():
    crime_number = services().victims.register(http.json_body(_request()))
    return Response(body={"crimeNumber": crime_number}, status_code=201)


@app.route("/victim/sign-in", methods=["POST"])
@http.handled
def sign_in():
    request = _request()
    signed_in = services().victims.sign_in(http.json_body(request), http.source_ip(request))
    return Response(
        body={"expiresAt": iso(signed_in.expires_at),
              "idleTimeoutSeconds": int(signed_in.idle_timeout.total_seconds())},
        headers={"Set-Cookie": http.session_cookie(signed_in.token, signed_in.expires_at)})


@app.route("/victim/case", methods=["GET"])
@http.handled
def victim_case():
    view = services().victims.read_case(http.session_token(_request()), http.query_param(_request(), "before"))
    return presenters.victim_case_json(view.case, view.contact, view.messages_left_today, view.open_request)


@app.route("/victim/update-request", methods=["POST"])
@http.handled
def update_request():
    http.empty_json_body(_request())
    request, created = services().victims.ask_for_update(http.session_token(_request()))
    return Response(body=presenters.update_request_json(request), status_code=201 if created else 200)


@app.route("/victim/messages", methods=["POST"])
@http.handled
def send_message():
    request = _request()
    message = services().victims.send_message(http.session_token(request), http.json_body(request))
    return Response(body=presenters.sent_message_json(message), status_code=201)


@app.route("/victim/session/keep-alive", methods=["POST"])
@http.handled
def keep_alive():
    http.empty_json_body(_request())
    services().victims.keep_alive(http.session_token(_request()))
    return Response(body="", status_code=204)


@app.route("/victim/sign-out", methods=["POST"])
@http.handled
def sign_out():
    http.empty_json_body(_request())
    services().victims.sign_out(http.session_token(_request()))
    return Response(body="", status_code=204, headers={"Set-Cookie": http.expired_session_cookie()})


@app.route("/victim/password", methods=["POST"])
@http.handled
def change_password():
    request = _request()
    services().victims.change_password(http.session_token(request), http.json_body(request),
                                       http.source_ip(request))
    return Response(body="", status_code=204, headers={"Set-Cookie": http.expired_session_cookie()})


@app.route("/victim/password-reset", methods=["POST"])
@http.handled
def password_reset():
    request = _request()
    services().victims.request_reset(http.json_body(request), http.source_ip(request))
    return Response(body={"message": i18n.t("reset.requested")},
                    status_code=202)


@app.route("/victim/password-reset/complete", methods=["POST"])
@http.handled
def password_reset_complete():
    services().victims.complete_reset(http.json_body(_request()))
    return Response(body="", status_code=204, headers={"Set-Cookie": http.expired_session_cookie()})


# -- the contact agreement and "Your account" (issue 14) ---------------------------------


@app.route("/victim/account", methods=["GET"])
@http.handled
def account():
    return presenters.account_json(services().victims.account(http.session_token(_request())))


@app.route("/victim/contact-agreement", methods=["PUT"])
@http.handled
def contact_agreement():
    request = _request()
    contact = services().victims.save_contact_agreement(http.session_token(request), http.json_body(request))
    return presenters.account_json(contact)


@app.route("/victim/account/email", methods=["POST"])
@http.handled
def change_email():
    request = _request()
    contact = services().victims.change_address(http.session_token(request), "email", http.json_body(request))
    return Response(body=presenters.change_sent_json(contact), status_code=202)


@app.route("/victim/account/mobile", methods=["POST"])
@http.handled
def change_mobile():
    request = _request()
    contact = services().victims.change_address(http.session_token(request), "text", http.json_body(request))
    return Response(body=presenters.change_sent_json(contact), status_code=202)


@app.route("/victim/account/confirm", methods=["POST"])
@http.handled
def confirm_change():
    request = _request()
    contact = services().victims.confirm_change(http.session_token(request), http.json_body(request))
    return presenters.account_json(contact)


@app.route("/victim/stop", methods=["POST"])
@http.handled
def stop_using():
    http.empty_json_body(_request())
    services().victims.stop(http.session_token(_request()))
    return Response(body="", status_code=204, headers={"Set-Cookie": http.expired_session_cookie()})


# -- officers and records systems --------------------------------------------------------


@app.route("/officer/cases", methods=["POST"], authorizer=officer_token)
@http.handled
def create_case():
    created = services().officers.create_case(_officer(), http.json_body(_request()))
    return Response(body=presenters.created_case_json(created), status_code=201)


@app.route("/officer/cases/{crime_number}", methods=["GET"], authorizer=officer_token)
@http.handled
def officer_case(crime_number):
    case = services().officers.get_case(_officer(), crime_number, http.query_param(_request(), "before"))
    return presenters.officer_case_json(case, services().clock())


@app.route("/officer/cases/{crime_number}/updates", methods=["POST"], authorizer=officer_token)
@http.handled
def post_update(crime_number):
    update, created = services().officers.post_update(_officer(), crime_number,
                                                      http.json_body(_request()))
    return Response(body={"id": update.id, "created": created}, status_code=201 if created else 200)


@app.route("/officer/cases/{crime_number}/contacts/{contact_id}/invitation", methods=["POST"],
           authorizer=officer_token)
@http.handled
def reissue_invitation(crime_number, contact_id):
    contact = services().officers.reissue_invitation(_officer(), crime_number, contact_id,
                                                     http.json_body(_request(), allow_empty=True))
    return Response(body=presenters.reissued_invitation_json(contact), status_code=201)


@app.route("/officer/cases/{crime_number}/contacts/{contact_id}/safe-contact", methods=["POST"],
           authorizer=officer_token)
@http.handled
def safe_contact(crime_number, contact_id):
    contact = services().officers.set_safe_contact(_officer(), crime_number, contact_id, http.json_body(_request()))
    return presenters.safe_contact_json(contact)


@app.route("/officer/inbox", methods=["GET"], authorizer=officer_token)
@http.handled
def inbox():
    query = _request().query_params
    mine, since, cursor = (query.get(name) if query else None for name in ("mine", "since", "cursor"))
    page = services().officers.inbox(_officer(), mine, since, cursor)
    return presenters.inbox_json(page)


@app.route("/officer/cases/{crime_number}/contacts/{contact_id}/messages", methods=["POST"],
           authorizer=officer_token)
@http.handled
def reply_to_contact(crime_number, contact_id):
    message, created = services().officers.reply(_officer(), crime_number, contact_id, http.json_body(_request()))
    return Response(body={"id": message.id, "created": created}, status_code=201 if created else 200)


@app.route("/officer/uploads", methods=["POST"], authorizer=officer_token,
           content_types=["application/json", "text/csv"])
@http.handled
def upload():
    kind, body = http.upload_body(_request())
    items = items_from_csv(body, services().settings.upload_max_rows) if kind == "csv" \
        else presenters.upload_items(body)
    results = services().officers.upload(_officer(), items)
    return presenters.upload_json(results)


# -- emails: invitation, password reset, alert (the cases stream -> SES) -------------------
# Event sources are named by the stage's environment (Chalice sets it before importing
# this file to package or deploy): no AWS call here. TRIM_HORIZON: an invitation
# written before the stream mapping existed is still sent (each email once).
_EMAIL_EVENTS = event_sources()


@app.on_dynamodb_record(stream_arn=_EMAIL_EVENTS.cases_stream_arn, batch_size=100,
                        starting_position="TRIM_HORIZON")
def send_emails(event):
    changes = services().decode_cases_stream(event.to_dict()["Records"])
    services().email_sender.handle_changes(changes, event.context)
    # The same stream says when TTL removed a closed case: erase the rest, audited.
    services().retention.erase_from_stream(changes)


@app.schedule("rate(1 minute)")
def retry_emails(event):
    services().email_sender.retry_due(event.context)


@app.schedule("rate(5 minutes)")
def retry_erasures(event):
    # A closed case whose erasure after retention failed part-way: again until done.
    services().retention.retry_pending()


@app.on_sns_message(topic=_EMAIL_EVENTS.email_events_topic)
def email_events(event):
    services().email_sender.handle_notification(event.message)
