"""Routes: login, conversation list and view, review actions, dashboard, exports, API.

Handlers stay thin: database work runs in a worker thread (``run_sync``) through
``queries``, ``review``, ``annotate``, ``dashboard`` and ``export``.
"""

from __future__ import annotations

import secrets
from typing import Any, Dict, List, Optional
from urllib.parse import unquote

from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request

from console import annotate, auth, charts, dashboard, export, review
from console.app import (
    conversation_url,
    delete_cookie,
    flash,
    render,
    set_cookie,
    turn_url,
)
from console.db import run_sync
from console.masking import mask
from console.queries import Filters
from console.turns import Conversation, Turn

RUNNER_UPS = 3


def _filters(request: Request) -> Filters:
    settings = request.app.ctx.settings
    return Filters.from_args(request.args.get, settings.low_confidence, settings.page_size)


def _client_ip(request: Request) -> str:
    if request.app.ctx.settings.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.ip or "unknown"


def _safe_next(target: Optional[str]) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/conversations"


def _sender(raw: str) -> str:
    return unquote(raw)


def _form(request: Request, name: str) -> str:
    return (request.form.get(name) or "").strip() if request.form else ""


def _turn_json(turn: Turn, knowledge: Any) -> Dict[str, Any]:
    fact = knowledge.fact(turn.fact_id)
    return {
        "turn": turn.index,
        "event_id": turn.event_id,
        "timestamp": turn.timestamp,
        "text": mask(turn.text) if turn.text is not None else None,
        "intent": turn.intent,
        "confidence": turn.confidence,
        "runner_ups": [{"intent": n, "confidence": c} for n, c in turn.ranking[1 : 1 + RUNNER_UPS]],
        "entities": [
            {"entity": e.get("entity"), "value": mask(str(e.get("value"))), "extractor": e.get("extractor")}
            for e in turn.entities
        ],
        "channel": turn.channel,
        "actions": turn.actions,
        "bot_messages": [{"text": mask(m.get("text")), "buttons": m.get("buttons")} for m in turn.bot_messages],
        "slots": [{"name": n, "value": v} for n, v in turn.slots],
        "fact_id": turn.fact_id,
        "fact_question": fact.get("question") if fact else None,
        "feedback": turn.feedback,
        "fallback": turn.fallback,
        "urgent": turn.urgent,
        "handoff": turn.handoff,
    }


def register(app: Sanic) -> None:  # noqa: C901 - one place that lists every route
    # --- login / logout --------------------------------------------------------------
    @app.get("/login")
    async def login_form(request: Request):
        if request.ctx.session:
            return response.redirect(_safe_next(request.args.get("next")), status=303)
        token = request.cookies.get(auth.LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        resp = render(request, "login.html", login_csrf=token, next=_safe_next(request.args.get("next")), error=None)
        set_cookie(request, resp, auth.LOGIN_CSRF_COOKIE, token, max_age=3600)
        return resp

    @app.post("/login")
    async def login_submit(request: Request):
        db = request.app.ctx.db
        email = _form(request, "email")[:254]
        password = (request.form.get("password") or "") if request.form else ""
        target = _safe_next(_form(request, "next"))
        token = request.cookies.get(auth.LOGIN_CSRF_COOKIE, "")
        ip = _client_ip(request)
        wait = await run_sync(auth.login_blocked, db, email, ip)
        if wait:
            minutes = max(1, round(wait / 60))
            return render(
                request, "login.html", status=429, login_csrf=token, next=target,
                error=f"Too many failed logins. Try again in about {minutes} minute(s).",
            )
        user_id = await run_sync(auth.authenticate, db, email, password[:1024], ip)
        if user_id is None:
            return render(
                request, "login.html", status=401, login_csrf=token, next=target, error="Wrong e-mail or password."
            )
        session_token, _ = await run_sync(auth.create_session, db, user_id)
        resp = response.redirect(target, status=303)
        set_cookie(request, resp, auth.SESSION_COOKIE, session_token, max_age=int(db.settings.session_hours * 3600))
        delete_cookie(request, resp, auth.LOGIN_CSRF_COOKIE)
        return resp

    @app.post("/logout")
    async def logout(request: Request):
        await run_sync(auth.end_session, request.app.ctx.db, request.cookies.get(auth.SESSION_COOKIE))
        resp = response.redirect("/login", status=303)
        delete_cookie(request, resp, auth.SESSION_COOKIE)
        return resp

    @app.get("/")
    async def home(request: Request):
        return response.redirect("/conversations", status=303)

    # --- conversation list -----------------------------------------------------------
    async def _list(request: Request, f: Filters, limit: Optional[int] = None):
        queries = request.app.ctx.queries
        total, rows = await run_sync(queries.list_page, f, limit)
        info = await run_sync(review.list_info, request.app.ctx.db, [r.conversation.sender_id for r in rows])
        for row in rows:
            extra = info.get(row.conversation.sender_id, {})
            row.reviewed = extra.get("reviewed", False)
            row.tags = extra.get("tags", [])
        return total, rows, info

    @app.get("/conversations")
    async def conversation_list(request: Request):
        f = _filters(request)
        total, rows, _ = await _list(request, f)
        ctx = request.app.ctx
        pages = max(1, (total + f.per_page - 1) // f.per_page)
        return render(
            request,
            "list.html",
            f=f,
            total=total,
            rows=rows,
            pages=pages,
            channels=await run_sync(ctx.queries.channels),
            topics=ctx.knowledge.topics(),
            facts=sorted(ctx.knowledge.facts()),
            intents=ctx.knowledge.intents(),
            tags=await run_sync(review.all_tags, ctx.db),
            tracker_ready=await run_sync(ctx.db.tracker_ready),
        )

    @app.get("/api/conversations")
    async def api_conversation_list(request: Request):
        f = _filters(request)
        total, rows, info = await _list(request, f)
        records = export.conversation_records(rows, info, f.threshold)
        for record, row in zip(records, rows):
            record["id"] = row.conversation.sender_id
            record["url"] = conversation_url(row.conversation.sender_id)
        return response.json({"total": total, "page": f.page, "per_page": f.per_page, "items": records})

    @app.get("/api/export.csv", name="export_csv")
    async def api_export_csv(request: Request):
        return await _export(request, "csv")

    @app.get("/api/export.json", name="export_json")
    async def api_export_json(request: Request):
        return await _export(request, "json")

    async def _export(request: Request, fmt: str):
        f = _filters(request)
        level = request.args.get("level", "conversations")
        settings = request.app.ctx.settings
        total, rows, info = await _list(request, f, limit=settings.export_limit)
        if level == "turns":
            records, columns = export.turn_records(rows), export.TURN_FIELDS
        else:
            records, columns = export.conversation_records(rows, info, f.threshold), export.CONVERSATION_FIELDS
        name = f"conversations-{level}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "csv":
            return response.text(
                export.to_csv(records, columns), headers=headers, content_type="text/csv; charset=utf-8"
            )
        return response.text(
            export.to_json(records, f.query_string(page=1), total),
            headers=headers,
            content_type="application/json; charset=utf-8",
        )

    # --- one conversation --------------------------------------------------------------
    async def _conversation(request: Request, sender_id: str) -> Conversation:
        conversation = await run_sync(request.app.ctx.queries.conversation, sender_id)
        if conversation is None:
            raise NotFound("No conversation with this id.")
        return conversation

    @app.get("/conversations/<sender_id:str>")
    async def conversation_view(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        ctx = request.app.ctx
        conversation = await _conversation(request, sender_id)
        info = await run_sync(review.conversation_info, ctx.db, sender_id)
        return render(
            request,
            "conversation.html",
            c=conversation,
            info=info,
            knowledge=ctx.knowledge,
            intents=ctx.knowledge.intents(),
            threshold=ctx.settings.low_confidence,
            runner_ups=RUNNER_UPS,
            tags=await run_sync(review.all_tags, ctx.db),
            single_turn=None,
        )

    @app.get("/conversations/<sender_id:str>/turns/<event_id:int>")
    async def turn_view(request: Request, sender_id: str, event_id: int):
        sender_id = _sender(sender_id)
        ctx = request.app.ctx
        conversation = await _conversation(request, sender_id)
        turn = next((t for t in conversation.turns if t.event_id == event_id), None)
        if turn is None:
            raise NotFound("No such turn in this conversation.")
        info = await run_sync(review.conversation_info, ctx.db, sender_id)
        return render(
            request,
            "conversation.html",
            c=conversation,
            info=info,
            knowledge=ctx.knowledge,
            intents=ctx.knowledge.intents(),
            threshold=ctx.settings.low_confidence,
            runner_ups=RUNNER_UPS,
            tags=await run_sync(review.all_tags, ctx.db),
            single_turn=turn,
        )

    @app.get("/api/conversations/<sender_id:str>")
    async def api_conversation(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        ctx = request.app.ctx
        conversation = await _conversation(request, sender_id)
        info = await run_sync(review.conversation_info, ctx.db, sender_id)
        return response.json(
            {
                "id": sender_id,
                "sender_label": mask(sender_id),
                "channels": conversation.channels,
                "audience": conversation.audience,
                "topics": conversation.topics,
                "facts": conversation.facts,
                "reviewed": info["reviewed"],
                "tags": info["tags"],
                "notes": [{"body": n["body"], "author": n["email"], "created_at": n["created_at"]} for n in info["notes"]],
                "turns": [_turn_json(t, ctx.knowledge) for t in conversation.turns],
            }
        )

    @app.get("/api/turns/<event_id:int>")
    async def api_turn_lookup(request: Request, event_id: int):
        sender_id = await run_sync(request.app.ctx.queries.sender_of_event, event_id)
        if sender_id is None:
            return response.json({"error": "unknown event"}, status=404)
        return response.json({"id": sender_id, "url": turn_url(sender_id, event_id)})

    # --- review actions (POST, CSRF checked by the middleware) -------------------------
    def _back(sender_id: str, anchor: str = "") -> str:
        return conversation_url(sender_id) + anchor

    @app.post("/conversations/<sender_id:str>/tags")
    async def tag_add(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        resp = response.redirect(_back(sender_id), status=303)
        try:
            name = await run_sync(
                review.add_tag, request.app.ctx.db, sender_id, _form(request, "tag"), request.ctx.session.user_id
            )
            return flash(request, resp, f"Tagged '{name}'.")
        except review.ReviewError as error:
            return flash(request, resp, str(error), "error")

    @app.post("/conversations/<sender_id:str>/tags/remove")
    async def tag_remove(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        await run_sync(review.remove_tag, request.app.ctx.db, sender_id, _form(request, "tag"))
        return flash(request, response.redirect(_back(sender_id), status=303), "Tag removed.")

    @app.post("/conversations/<sender_id:str>/notes")
    async def note_add(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        event_raw = _form(request, "event_id")
        event_id = int(event_raw) if event_raw.isdigit() else None
        anchor = f"#event-{event_id}" if event_id else "#notes"
        resp = response.redirect(_back(sender_id, anchor), status=303)
        try:
            body = (request.form.get("body") or "") if request.form else ""
            await run_sync(review.add_note, request.app.ctx.db, sender_id, body, request.ctx.session.user_id, event_id)
            return flash(request, resp, "Note saved.")
        except review.ReviewError as error:
            return flash(request, resp, str(error), "error")

    @app.post("/conversations/<sender_id:str>/review")
    async def mark_reviewed(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        reviewed = _form(request, "reviewed") not in ("0", "false", "no")
        await run_sync(review.set_reviewed, request.app.ctx.db, sender_id, reviewed, request.ctx.session.user_id)
        text = "Marked as reviewed." if reviewed else "Marked as not reviewed."
        return flash(request, response.redirect(_back(sender_id), status=303), text)

    @app.post("/conversations/<sender_id:str>/turns/<event_id:int>/annotate")
    async def annotate_turn(request: Request, sender_id: str, event_id: int):
        sender_id = _sender(sender_id)
        ctx = request.app.ctx
        conversation = await _conversation(request, sender_id)
        turn = next((t for t in conversation.turns if t.event_id == event_id), None)
        if turn is None:
            raise NotFound("No such turn in this conversation.")
        intent = _form(request, "intent")
        settings = ctx.settings
        result = await run_sync(
            annotate.add_nlu_example, settings.data_dir, settings.nlu_output, turn.text or "", intent, ctx.knowledge.intents()
        )
        if result.outcome in ("written", "moved", "duplicate", "conflict"):
            await run_sync(
                review.record_annotation, ctx.db, sender_id, event_id, result.text, turn.intent, turn.confidence,
                intent, result.outcome, request.ctx.session.user_id,
            )
        resp = response.redirect(_back(sender_id, f"#turn-{turn.index}"), status=303)
        return flash(request, resp, result.message, "info" if result.ok else "error")

    @app.post("/conversations/<sender_id:str>/story")
    async def save_story(request: Request, sender_id: str):
        sender_id = _sender(sender_id)
        ctx = request.app.ctx
        await _conversation(request, sender_id)
        rows = await run_sync(_raw_rows, ctx, sender_id)
        fixes = await run_sync(review.corrections, ctx.db, sender_id)
        resp = response.redirect(_back(sender_id, "#story"), status=303)
        try:
            path = await run_sync(annotate.write_test_story, ctx.settings.stories_dir, sender_id, rows, fixes)
        except ValueError as error:
            return flash(request, resp, f"No story written: {error}.", "error")
        shown = _relative(path, ctx.settings.project_root)
        await run_sync(review.record_story, ctx.db, sender_id, shown, request.ctx.session.user_id)
        return flash(request, resp, f"Test story written to {shown}.")

    # --- facts, dashboard --------------------------------------------------------------
    @app.get("/facts/<fact_id:str>")
    async def fact_view(request: Request, fact_id: str):
        fact = request.app.ctx.knowledge.fact(unquote(fact_id))
        if fact is None:
            raise NotFound("No fact with this id in facts/*.yml.")
        return render(request, "fact.html", fact=fact)

    @app.get("/dashboard")
    async def dashboard_view(request: Request):
        ctx = request.app.ctx
        f = _filters(request)
        data = await run_sync(dashboard.compute, ctx.db, ctx.queries, ctx.knowledge, f)
        return render(
            request,
            "dashboard.html",
            f=f,
            data=data,
            charts=_charts(data),
            channels=await run_sync(ctx.queries.channels),
            topics=ctx.knowledge.topics(),
            tags=await run_sync(review.all_tags, ctx.db),
        )

    @app.get("/api/dashboard")
    async def api_dashboard(request: Request):
        ctx = request.app.ctx
        data = await run_sync(dashboard.compute, ctx.db, ctx.queries, ctx.knowledge, _filters(request))
        return response.json(dashboard.as_json(data))

    @app.get("/api/me")
    async def api_me(request: Request):
        session = request.ctx.session
        return response.json({"email": session.email, "csrf_token": session.csrf_token})


def _raw_rows(ctx: Any, sender_id: str) -> List[Dict[str, Any]]:
    import sqlalchemy as sa

    from console.db import events
    from console.turns import parse_row

    with ctx.db.tracker.connect() as connection:
        result = connection.execute(sa.select(events).where(events.c.sender_id == sender_id).order_by(events.c.id))
        return [parse_row(row) for row in result]


def _relative(path: Any, root: Any) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _charts(data: dashboard.DashboardData) -> Dict[str, Any]:
    P = charts.PALETTE
    labels = [day[5:] for day in data.days]
    return {
        "volume": charts.bar_chart(
            "chart-volume",
            "Conversations and messages per day",
            labels,
            [("conversations", data.conversations_per_day, P["blue"]), ("messages", data.messages_per_day, P["teal"])],
        ),
        "fallback": charts.line_chart(
            "chart-fallback",
            "Fallback rate per day (share of messages)",
            labels,
            [("fallback rate", data.fallback_rate_per_day, P["orange"])],
            percent=True,
            y_max=next(v for v in (0.2, 0.4, 1.0) if max(data.fallback_rate_per_day or [0]) <= v),
        ),
        "safety": charts.bar_chart(
            "chart-safety",
            "Urgent-care answers and handoffs per day",
            labels,
            [("urgent care", data.urgent_per_day, P["red"]), ("handoff", data.handoff_per_day, P["purple"])],
        ),
        "topics": charts.hbar_chart(
            "chart-topics",
            "Helpfulness per topic",
            [(t, (h, n)) for t, h, n in data.helpful_by_topic],
            [("helpful", P["green"]), ("not helpful", P["red"])],
        ),
        "facts": charts.hbar_chart(
            "chart-facts",
            "Helpfulness per fact",
            [(t, (h, n)) for t, h, n in data.helpful_by_fact],
            [("helpful", P["green"]), ("not helpful", P["red"])],
        ),
        "confused": charts.hbar_chart(
            "chart-confused",
            "Most-confused intent pairs",
            [(" / ".join(r["pair"]), (r["annotations"], r["low_margin"])) for r in data.confused_pairs],
            [("trainer corrections", P["purple"]), ("low top-2 margin", P["grey"])],
            label_width=300,
        ),
    }
