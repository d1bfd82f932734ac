"""ConnectWise Manage through pyconnectwise (unmodified), against `sim-server --tls`.

Configuration only: the host and credentials from sim-server's line, and
REQUESTS_CA_BUNDLE for the simulator's certificate authority (pyconnectwise builds
https:// URLs itself)."""

import os
import time
from urllib.parse import urlparse

from pyconnectwise import ConnectWiseManageAPIClient

from report import check, finish, step

LIB = "pyconnectwise"
CONDITIONS = "closedFlag = false"
PAGE_SIZE = 25

env = os.environ
check(env.get("REQUESTS_CA_BUNDLE"), "REQUESTS_CA_BUNDLE is not set")
host = urlparse(env["CWM_URL"]).netloc  # 127.0.0.1:PORT: the library adds https:// itself


def sign_in():
    client = ConnectWiseManageAPIClient(
        env["CWM_COMPANY"],
        host,
        env["CWM_CLIENT_ID"],
        env["CWM_PUBLIC_KEY"],
        env["CWM_PRIVATE_KEY"],
    )
    check(client.codebase.strip("/") == "v4_6_release", f"codebase {client.codebase!r}")
    return client, f"codebase {client.codebase} from /login/companyinfo"


client = step(LIB, "connect (codebase lookup)", sign_in)


def count():
    total = client.service.tickets.count.get().count
    expected = int(env.get("PEER_TICKETS", "0"))
    check(total is not None and total > 0, f"count {total}")
    if expected:
        check(total >= expected, f"count {total}, sim-server seeded {expected}")
    return total, f"{total} tickets"


total = step(LIB, "count tickets", count, needs=[client])


def listing():
    open_count = client.service.tickets.count.get(params={"conditions": CONDITIONS}).count
    page = client.service.tickets.paginated(1, PAGE_SIZE, {"conditions": CONDITIONS})
    tickets, pages = [], 0
    while page.has_data and pages < 1000:
        pages += 1
        tickets.extend(page.data)
        if not page.has_next_page:
            break
        page.get_next_page()
    ids = [t.id for t in tickets]
    check(len(set(ids)) == len(ids), "a ticket came twice")
    check(all(t.closed_flag is False for t in tickets), "a closed ticket matched `closedFlag = false`")
    check(len(tickets) == open_count, f"listed {len(tickets)}, count says {open_count}")
    check(pages >= 3, f"only {pages} page(s) of {PAGE_SIZE}")
    return tickets, f"`{CONDITIONS}`: {len(tickets)} tickets over {pages} pages of {PAGE_SIZE} (Link headers)"


tickets = step(LIB, "conditions listing, paged", listing, needs=[client])


def get():
    first = tickets[0]
    ticket = client.service.tickets.id(first.id).get()
    check(ticket.id == first.id and ticket.summary == first.summary, "a different ticket")
    return ticket, f"ticket {ticket.id} ({ticket.summary!r})"


ticket = step(LIB, "get ticket", get, needs=[tickets])


def create():
    summary = f"peer check {LIB} {int(time.time())}"
    created = client.service.tickets.post(
        data={
            "summary": summary,
            "company": {"id": ticket.company.id},
            "board": {"id": ticket.board.id},
            "initialDescription": "Created by .ci/peer-check through pyconnectwise.",
        }
    )
    check(created.id and created.summary == summary, "the answer is not the new ticket")
    again = client.service.tickets.id(created.id).get()
    check(again.summary == summary, "the new ticket cannot be read back")
    return created, f"ticket {created.id} on board {created.board.id}, status {created.status.name!r}"


created = step(LIB, "create ticket", create, needs=[ticket])


def patch_status():
    statuses = client.service.boards.id(created.board.id).statuses.get()
    target = next(s for s in statuses if s.id != created.status.id and not s.closed_status)
    patched = client.service.tickets.id(created.id).patch(
        data=[{"op": "replace", "path": "status/id", "value": target.id}]
    )
    check(patched.status.id == target.id, f"status is {patched.status.id}, not {target.id}")
    return patched, f"ticket {patched.id}: {created.status.name!r} -> {patched.status.name!r}"


patched = step(LIB, "patch ticket status", patch_status, needs=[created])


def add_note():
    text = f"Note from {LIB}."
    note = client.service.tickets.id(created.id).notes.post(
        data={"text": text, "detailDescriptionFlag": True}
    )
    check(note.id and note.text == text, "the answer is not the new note")
    notes = client.service.tickets.id(created.id).notes.get()
    check(any(n.id == note.id for n in notes), "the note is not listed on the ticket")
    return note, f"note {note.id} on ticket {created.id}"


step(LIB, "add ticket note", add_note, needs=[created])
finish()
