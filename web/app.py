"""FastAPI application factory: one router per concern."""
from __future__ import annotations

import asyncio

from fastapi import FastAPI
from temporalio.client import Client

from raadsbode.mail.render import make_renderer
from raadsbode.db import make_engine, session_factory
from raadsbode.log_masking import install_token_masking
from raadsbode.settings import Settings, get_settings
from raadsbode.start_guard import refuse_unsafe_start
from web.links.routes import router as links_router
from web.public.newsletter import router as newsletter_router
from web.workspace.secretariat_redirects import router as secretariat_redirects_router
from web.common.head import HeadFromGet
from web.common.hsts import StrictTransportSecurity, wants_hsts
from web.common.pages import install_error_handlers
from web.public.pages import router as public_router
from web.common.rate_limit import LinkChangeLimits, PublicFormLimits
from web.links.motions import router as motion_router
from web.public.network import router as network_router
from web.links.registration import router as registration_router
from web.signin.pages import router as signin_router
from web.workspace.home import router as workspace_home_router
from web.workspace.members.pages import router as member_pages_router
from web.workspace.meetings.pages import router as ws_meetings_router
from web.workspace.meetings.actions import router as ws_meeting_actions_router
from web.workspace.meetings.alv_actions import router as ws_alv_actions_router
from web.workspace.meetings.network_actions import router as ws_network_actions_router
from web.workspace.meetings.agenda import router as ws_agenda_router
from web.workspace.planning.pages import router as ws_planning_router
from web.workspace.newsletter.pages import router as ws_newsletter_router
from web.workspace.meetings.motions import router as ws_motions_router
from web.workspace.admin.routes import router as ws_admin_router
from web.workspace.meetings.new_kinds import router as ws_new_meetings_router


def create_app(settings: Settings | None = None, temporal: Client | None = None) -> FastAPI:
    """`temporal` may be given (tests, dev stack); otherwise it connects on first use."""
    if settings is None:  # built from the environment (uvicorn's factory): a serving process, so guarded
        settings = get_settings()
        refuse_unsafe_start(settings, "the Raadsbode web app")
    install_token_masking()  # also when plain uvicorn configured the logging, not raadsbode's logging_config
    app = FastAPI(title="Raadsbode", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.sessions = session_factory(make_engine(settings.database_url))
    app.state.renderer = make_renderer(settings.timezone)
    app.state.temporal = temporal
    app.state.temporal_lock = asyncio.Lock()
    app.state.public_form_limits = PublicFormLimits(settings.public_form_mails_per_ip,
                                                    settings.public_form_mails_per_address)
    app.state.link_change_limits = LinkChangeLimits(settings.link_changes_per_token)
    install_error_handlers(app)
    app.add_middleware(HeadFromGet)
    if wants_hsts(settings.public_base_url):
        # Around the stack Starlette builds, not in it: its outermost error middleware answers 500s itself.
        build_stack = app.build_middleware_stack
        app.build_middleware_stack = lambda: StrictTransportSecurity(build_stack())

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    # Routers are added here, one line each.
    app.include_router(links_router)
    app.include_router(public_router)
    app.include_router(motion_router)
    app.include_router(registration_router)
    app.include_router(network_router)
    app.include_router(newsletter_router)
    app.include_router(secretariat_redirects_router)
    app.include_router(signin_router)
    app.include_router(workspace_home_router)
    app.include_router(member_pages_router)
    app.include_router(ws_new_meetings_router)  # before ws_meetings: /nieuw-alv is not a {meeting_id}
    app.include_router(ws_meetings_router)
    app.include_router(ws_meeting_actions_router)
    app.include_router(ws_alv_actions_router)
    app.include_router(ws_network_actions_router)
    app.include_router(ws_agenda_router)
    app.include_router(ws_motions_router)
    app.include_router(ws_planning_router)
    app.include_router(ws_newsletter_router)
    app.include_router(ws_admin_router)
    if settings.is_dev:
        from web.dev.outbox import router as dev_outbox_router

        app.include_router(dev_outbox_router)
    return app
