"""Blog posts for the newsletter (list, add, edit) and the feed import (an uploaded RSS/Atom file).
Included by web/workspace/newsletter/pages.py under /werkruimte/nieuwsbrief with its editor role check."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from models.tables.newsletter import BlogPost
from raadsbode.services.newsletter.feed_reader import MAX_FEED_BYTES, FeedError, read_feed
from raadsbode.services.newsletter.content import ContentError, add_post, import_feed
from raadsbode.settings import Settings
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, workspace_page
from web.deps import RendererDep, SessionDep, SettingsDep
from web.common.forms import field_text
from web.common.listing import page_number, paginate, search, search_text
from web.workspace.members.forms import FormState

BASE = "/werkruimte/nieuwsbrief/berichten"
router = APIRouter()
MAX_SUMMARY = 5000


@router.get("/berichten", response_class=HTMLResponse)
def posts(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "",
          geimporteerd: str = "") -> HTMLResponse:
    query = search(select(BlogPost).where(BlogPost.association_id == staff.association_id), zoek, BlogPost.title,
                   BlogPost.summary, BlogPost.author)
    page = paginate(query.order_by(col(BlogPost.published_at).desc(), col(BlogPost.id).desc()), page_number(pagina),
                    session=session)
    return workspace_page(renderer, "web/ws_posts.html.j2", staff, nav="nieuwsbrief", page=page, zoek=search_text(zoek),
                          notice=f"{int(geimporteerd)} berichten uit de feed verwerkt." if geimporteerd.isdigit() else "",
                          import_error="")


def _form(data: Mapping) -> FormState:
    return FormState(values={name: field_text(data, name, MAX_SUMMARY + 1) for name in ("title", "summary", "url", "date")})


def _form_of(post: BlogPost, tz: str) -> FormState:
    return FormState(values={"title": post.title, "summary": post.summary, "url": post.url,
                             "date": post.published_at.astimezone(ZoneInfo(tz)).date().isoformat()})


def _save(session: Session, staff: StaffContext, settings: Settings, form: FormState, post: BlogPost | None) -> bool:
    values = form.values
    published = None
    try:
        published = datetime.combine(datetime.fromisoformat(values["date"]).date(), time(9, 0), ZoneInfo(settings.timezone))
    except ValueError:
        form.errors["date"] = "Vul een datum in (jjjj-mm-dd)."
    if len(values["summary"]) > MAX_SUMMARY:
        form.errors["summary"] = f"De samenvatting is te lang (hoogstens {MAX_SUMMARY} tekens)."
    if not values["title"] or len(values["title"]) > 300:
        form.errors["title"] = "Vul een titel in (hoogstens 300 tekens)."
    if values["url"] and not values["url"].startswith(("https://", "http://")):
        form.errors["url"] = "De link begint met https:// of http://."
    if form.errors:
        return False
    try:  # add_post updates the post with the same guid, so an edit goes through the same checks
        add_post(session, staff.association_id, values["title"], values["summary"], values["url"], published,
                 source="web", guid=post.guid if post else "")
    except ContentError as err:
        form.errors["title"] = str(err)
        return False
    session.commit()
    return True


def _post_page(renderer, staff: StaffContext, form: FormState, post: BlogPost | None, status_code: int = 200):
    return workspace_page(renderer, "web/ws_post_form.html.j2", staff, status_code=status_code, nav="nieuwsbrief",
                          form=form, post=post)


@router.get("/berichten/nieuw", response_class=HTMLResponse)
def new_post(staff: StaffDep, renderer: RendererDep) -> HTMLResponse:
    return _post_page(renderer, staff, FormState(values={"date": datetime.now().date().isoformat()}), None)


@router.post("/berichten/nieuw", response_class=HTMLResponse)
async def create_post(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    form = _form(await request.form())
    if not _save(session, staff, settings, form, None):
        return _post_page(renderer, staff, form, None, 422)
    return RedirectResponse(BASE, status_code=303)


@router.get("/berichten/{post_id}", response_class=HTMLResponse)
def edit_post(post_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    post = owned_or_404(session, BlogPost, post_id, staff)
    return _post_page(renderer, staff, _form_of(post, settings.timezone), post)


@router.post("/berichten/{post_id}", response_class=HTMLResponse)
async def update_post(post_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep,
                      settings: SettingsDep):
    post = owned_or_404(session, BlogPost, post_id, staff)
    form = _form(await request.form())
    if not _save(session, staff, settings, form, post):
        return _post_page(renderer, staff, form, post, 422)
    return RedirectResponse(BASE, status_code=303)


@router.post("/feed", response_class=HTMLResponse)
async def feed_import(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    upload = (await request.form()).get("feed")
    content = await upload.read(MAX_FEED_BYTES + 1) if isinstance(upload, UploadFile) else b""
    error = ""
    if not content:
        error = "Kies een RSS- of Atom-bestand."
    else:
        try:
            count = import_feed(session, staff.association_id, await read_feed(content))
            session.commit()
            return RedirectResponse(f"{BASE}?geimporteerd={count}", status_code=303)
        except (FeedError, ContentError) as err:
            session.rollback()
            error = str(err)
    page = paginate(select(BlogPost).where(BlogPost.association_id == staff.association_id)
                    .order_by(col(BlogPost.published_at).desc()), 1, session=session)
    return workspace_page(renderer, "web/ws_posts.html.j2", staff, status_code=422, nav="nieuwsbrief", page=page,
                          zoek="", notice="", import_error=error)
