// ConnectWise Manage through connectwise-rest (unmodified), against `sim-server --tls`.
//
// Configuration only: the host, codebase and credentials from sim-server's line, and
// NODE_EXTRA_CA_CERTS for the simulator's certificate authority (the library builds
// https:// URLs itself). connectwise-rest is found through NODE_PATH.
'use strict'

const { ManageAPI } = require('connectwise-rest')

const LIB = 'connectwise-rest'
const CONDITIONS = 'closedFlag = false'
const PAGE_SIZE = 25
let failures = 0

function why(err) {
  // The library rejects with {status, data, message} for HTTP and transport errors.
  if (err && err.status !== undefined) {
    return `HTTP ${err.status}: ${JSON.stringify(err.data)} (${err.message})`
  }
  if (err && err.message) {
    return err.message
  }
  return String(err)
}

async function step(name, fn, needs = []) {
  if (needs.some((n) => n === undefined || n === null)) {
    failures++
    console.log(`FAIL ${LIB}  ${name}: not run, an operation it needs failed`)
    return null
  }
  try {
    const [value, detail] = await fn()
    console.log(`ok   ${LIB}  ${name}: ${detail}`)
    return value
  } catch (err) {
    failures++
    console.log(`FAIL ${LIB}  ${name}: ${why(err).replace(/\s+/g, ' ').slice(0, 600)}`)
    return null
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message)
}

async function main() {
  check(process.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS is not set')
  const url = new URL(process.env.CWM_URL) // https://127.0.0.1:PORT/v4_6_release/apis/3.0
  const cwm = new ManageAPI({
    companyId: process.env.CWM_COMPANY,
    companyUrl: url.host,
    publicKey: process.env.CWM_PUBLIC_KEY,
    privateKey: process.env.CWM_PRIVATE_KEY,
    clientId: process.env.CWM_CLIENT_ID,
    entryPoint: url.pathname.split('/').filter(Boolean)[0],
    logger: () => {},
  })
  const service = cwm.ServiceAPI

  await step('count tickets', async () => {
    const { count } = await service.getServiceTicketsCount()
    const expected = Number(process.env.PEER_TICKETS || 0)
    check(count > 0 && count >= expected, `count ${count}, sim-server seeded ${expected}`)
    return [count, `${count} tickets`]
  })

  const tickets = await step('conditions listing, paged', async () => {
    const { count } = await service.getServiceTicketsCount({ conditions: CONDITIONS })
    let pages = 0
    // The library's own paging: page=1,2,… until a short page.
    const counting = (params) => {
      pages++
      return service.getServiceTickets(params)
    }
    const all = await cwm.paginate(counting, { pageSize: PAGE_SIZE }, { conditions: CONDITIONS })
    const ids = new Set(all.map((t) => t.id))
    check(ids.size === all.length, 'a ticket came twice')
    check(all.every((t) => t.closedFlag === false), 'a closed ticket matched `closedFlag = false`')
    check(all.length === count, `listed ${all.length}, count says ${count}`)
    check(pages >= 3, `only ${pages} page(s) of ${PAGE_SIZE}`)
    return [all, `\`${CONDITIONS}\`: ${all.length} tickets over ${pages} requests of ${PAGE_SIZE}`]
  })

  const ticket = await step(
    'get ticket',
    async () => {
      const t = await service.getServiceTicketsById(tickets[0].id)
      check(t.id === tickets[0].id && t.summary === tickets[0].summary, 'a different ticket')
      return [t, `ticket ${t.id} (${JSON.stringify(t.summary)})`]
    },
    [tickets],
  )

  const created = await step(
    'create ticket',
    async () => {
      const summary = `peer check ${LIB} ${Date.now()}`
      const t = await service.postServiceTickets({
        summary,
        company: { id: ticket.company.id },
        board: { id: ticket.board.id },
        initialDescription: 'Created by .ci/peer-check through connectwise-rest.',
      })
      check(t.id && t.summary === summary, 'the answer is not the new ticket')
      const again = await service.getServiceTicketsById(t.id)
      check(again.summary === summary, 'the new ticket cannot be read back')
      return [t, `ticket ${t.id} on board ${t.board.id}, status ${JSON.stringify(t.status.name)}`]
    },
    [ticket],
  )

  await step(
    'patch ticket status',
    async () => {
      const statuses = await service.getServiceBoardsByParentIdStatuses(created.board.id)
      const target = statuses.find((s) => s.id !== created.status.id && !s.closedStatus)
      check(target, 'the board has no other open status')
      const t = await service.patchServiceTicketsById(created.id, [
        { op: 'replace', path: 'status', value: { id: target.id } },
      ])
      check(t.status.id === target.id, `status is ${t.status.id}, not ${target.id}`)
      return [t, `ticket ${t.id}: ${JSON.stringify(created.status.name)} -> ${JSON.stringify(t.status.name)}`]
    },
    [created],
  )

  await step(
    'add ticket note',
    async () => {
      const text = `Note from ${LIB}.`
      const note = await service.postServiceTicketsByParentIdNotes(created.id, {
        text,
        internalAnalysisFlag: true,
      })
      check(note.id && note.text === text, 'the answer is not the new note')
      const notes = await service.getServiceTicketsByParentIdNotes(created.id)
      check(notes.some((n) => n.id === note.id), 'the note is not listed on the ticket')
      return [note, `note ${note.id} on ticket ${created.id}`]
    },
    [created],
  )
}

main()
  .catch((err) => {
    failures++
    console.log(`FAIL ${LIB}  driver: ${why(err)}`)
  })
  .finally(() => process.exit(failures ? 1 : 0))
