"""工作人员: the list, invite (the code is shown once), change role, deactivate, and linking
one's own login to a member for review in the console."""
from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, request, url_for

from bot.console import blueprint
from bot.console.web import act, db, owned, runtime
from publisher.services import staff as staff_service
from publisher.services.console_users import actor_of, link_staff, linked_staff
from publisher.errors import Refusal
from publisher.models import ROLES, Staff
from publisher.texts import console as texts
from publisher.texts import staff as staff_texts


@blueprint.get("/staff")
def staff():
    session = db()
    return render_template("console/staff.html", members=staff_service.list_staff(session, g.account.id),
                           roles=ROLES, me=linked_staff(session, g.user), invitation=None)


@blueprint.post("/staff/invite")
def staff_invite():
    session, rt = db(), runtime()
    try:
        invitation = staff_service.invite(session, g.account, request.form.get("name", ""),
                                          request.form.get("role", ""), clock=rt.clock, actor=actor_of(g.user),
                                          key=staff_service.invite_key(rt.settings))
    except Refusal as refusal:
        session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("console.staff"))
    session.commit()
    # The code is shown in this answer only (never stored in clear, never in a redirect's URL).
    response = make_response(render_template(
        "console/staff.html", members=staff_service.list_staff(session, g.account.id), roles=ROLES,
        me=linked_staff(session, g.user), invitation=invitation))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/staff/<int:staff_id>/role")
def staff_role(staff_id: int):
    member = owned(Staff, staff_id)
    rt = runtime()

    def change() -> str:
        staff_service.change_role(db(), member, request.form.get("role", ""), clock=rt.clock, actor=actor_of(g.user))
        return texts.ROLE_CHANGED.format(name=member.name, role=staff_texts.ROLE_NAMES[member.role])

    return act(change, url_for("console.staff"))


@blueprint.post("/staff/<int:staff_id>/deactivate")
def staff_deactivate(staff_id: int):
    member = owned(Staff, staff_id)
    rt = runtime()

    def stop() -> str:
        staff_service.deactivate_member(db(), member, clock=rt.clock, actor=actor_of(g.user))
        return texts.DEACTIVATED.format(name=member.name)

    return act(stop, url_for("console.staff"))


@blueprint.post("/staff/<int:staff_id>/link")
def staff_link(staff_id: int):
    member = owned(Staff, staff_id)
    rt = runtime()

    def link() -> str:
        link_staff(db(), g.user, member, clock=rt.clock)
        return texts.LINKED.format(name=member.name)

    return act(link, url_for("console.staff"))
