'use strict'
// Drives the simulated exchange with two real third-party Binance clients, configured with
// nothing but the simulator's base URLs (and its key): ccxt 4 (REST and ccxt.pro WebSocket) and
// the official @binance/connector 3. One check per call; each prints one line
//   RESULT {"call":…,"client":…,"pass":true|false,"detail":…}
// and the process exits 0 when every check passed, 1 otherwise (sim.SimConformanceTest reads
// the lines and prints the table). Every call is bounded by a timeout.
//
// Environment: SIM_REST_URL (http://127.0.0.1:PORT), SIM_WS_URL (ws://127.0.0.1:PORT),
// SIM_API_KEY, SIM_API_SECRET; optional SIM_ONLY (a regular expression on "client call") and
// SIM_PING_WAIT_MS (how long to wait for a server ping frame: the test's simulator pings every
// second; a default one every 20 s, so set 25000 against './day9 sim-exchange').
//
// Conventions checked are Binance Spot's documented ones (developers.binance.com, Spot API):
// shapes, string decimals, error codes and HTTP statuses.

const ccxt = require('ccxt')
const { Spot, WebsocketStream } = require('@binance/connector')
const WebSocket = require('ws')

const REST = need('SIM_REST_URL')
const WS = need('SIM_WS_URL')
const KEY = need('SIM_API_KEY')
const SECRET = need('SIM_API_SECRET')
const ONLY = process.env.SIM_ONLY ? new RegExp(process.env.SIM_ONLY) : null
const CALL_TIMEOUT_MS = 6000
const PING_WAIT_MS = Number(process.env.SIM_PING_WAIT_MS || 4000)
// a simulator that answers nothing must not hold CI: past this budget the rest fail unrun
const RUN_BUDGET_MS = 90_000
const STARTED = Date.now()
const SYMBOL = 'BTCUSDT'
const PAIR = 'BTC/USDT'

function need (name) {
  const v = process.env[name]
  if (!v) {
    console.error(`conformance: environment variable ${name} is not set`)
    process.exit(2)
  }
  return v
}

// ------------------------------------------------------------------ plumbing

const results = []
const silentLogger = { debug () {}, info () {}, warn () {}, error () {}, log () {} }

function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Runs one check: fn returns a detail string (pass) or throws (fail). */
async function check (client, call, fn, ms = CALL_TIMEOUT_MS) {
  if (ONLY && !ONLY.test(`${client} ${call}`)) return
  let pass = false
  let detail
  if (Date.now() - STARTED > RUN_BUDGET_MS) {
    detail = `not run: the run's ${RUN_BUDGET_MS} ms budget is spent`
    results.push({ call, client, pass, detail })
    console.log('RESULT ' + JSON.stringify({ call, client, pass, detail }))
    return
  }
  try {
    detail = await withTimeout(Promise.resolve().then(fn), ms, call)
    pass = true
  } catch (e) {
    detail = describe(e)
  }
  const row = { call, client, pass, detail: String(detail === undefined ? '' : detail).slice(0, 300) }
  results.push(row)
  console.log('RESULT ' + JSON.stringify(row))
}

function describe (e) {
  if (e && e.response) { // axios (the connector)
    const body = typeof e.response.data === 'string' ? e.response.data : JSON.stringify(e.response.data)
    return `HTTP ${e.response.status} ${body}`.slice(0, 300)
  }
  if (e && e.constructor && e.constructor.name && e.constructor.name !== 'Error') {
    return `${e.constructor.name}: ${e.message}`
  }
  return e && e.message ? e.message : String(e)
}

function assert (cond, msg) {
  if (!cond) throw new Error(msg)
}

function near (a, b, eps = 1e-8) {
  return Math.abs(Number(a) - Number(b)) <= eps
}

const DECIMAL = /^-?\d+(\.\d+)?$/

function isDecimal (s) {
  return typeof s === 'string' && DECIMAL.test(s)
}

/** A REST error from the connector must be Binance's {code,msg} with this code and status. */
async function binanceError (promise, code, status, msgPart) {
  try {
    const r = await promise
    throw new Error(`expected error ${code}, got HTTP ${r.status} ${JSON.stringify(r.data).slice(0, 200)}`)
  } catch (e) {
    if (!e.response) throw e
    const d = e.response.data
    assert(d && typeof d === 'object', `error body is not JSON: ${String(d).slice(0, 120)}`)
    assert(d.code === code, `code ${d.code} (want ${code}), msg ${JSON.stringify(d.msg)}`)
    assert(typeof d.msg === 'string', 'msg missing')
    if (status) assert(e.response.status === status, `HTTP ${e.response.status} (want ${status})`)
    if (msgPart) assert(d.msg.includes(msgPart), `msg ${JSON.stringify(d.msg)} lacks ${JSON.stringify(msgPart)}`)
    return `HTTP ${e.response.status} {"code":${d.code},"msg":${JSON.stringify(d.msg)}}`
  }
}

/** A ccxt call must fail with this ccxt error class and carry the Binance code in its message. */
async function ccxtError (promise, cls, code, msgPart) {
  try {
    await promise
  } catch (e) {
    assert(e instanceof cls, `${e.constructor.name} (want ${cls.name}): ${e.message}`)
    assert(e.message.includes(`"code":${code}`), `message lacks code ${code}: ${e.message}`)
    if (msgPart) assert(e.message.includes(msgPart), `message lacks ${msgPart}: ${e.message}`)
    return `${e.constructor.name}: ${e.message.slice(0, 150)}`
  }
  throw new Error(`expected ${cls.name} (${code}), the call succeeded`)
}

function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** A price `ticks` ticks (0.01) below `price`, as Binance's PRICE_FILTER wants it. */
function below (price, fraction) {
  return (Math.floor(Number(price) * (1 - fraction) * 100) / 100).toFixed(2)
}

// ------------------------------------------------------------------ clients

function ccxtClient (extra = {}) {
  return new ccxt.pro.binance(Object.assign({
    apiKey: KEY,
    secret: SECRET,
    timeout: CALL_TIMEOUT_MS - 1000,
    urls: {
      api: {
        public: `${REST}/api/v3`,
        private: `${REST}/api/v3`,
        v1: `${REST}/api/v1`,
        sapi: `${REST}/sapi/v1`,
        sapiV2: `${REST}/sapi/v2`,
        sapiV3: `${REST}/sapi/v3`,
        sapiV4: `${REST}/sapi/v4`,
        ws: { spot: `${WS}/ws`, margin: `${WS}/ws`, 'ws-api': { spot: `${WS}/ws-api/v3` } }
      }
    },
    // the simulator lists Spot only; ccxt's default also loads futures from fapi/dapi hosts
    options: { fetchMarkets: { types: ['spot'] } }
  }, extra))
}

function connector (key = KEY, secret = SECRET) {
  return new Spot(key, secret, { baseURL: REST, timeout: CALL_TIMEOUT_MS - 1000, logger: silentLogger })
}

/** A connector WebSocket stream client that records every message (parsed) and ping. */
function wsStream (combinedStreams = false) {
  const rec = { messages: [], pings: 0, opened: false }
  const waiters = []
  rec.client = new WebsocketStream({
    wsURL: WS,
    combinedStreams,
    logger: silentLogger,
    reconnectDelay: 60_000,
    callbacks: {
      open: () => { rec.opened = true; poke() },
      ping: () => { rec.pings++; poke() },
      message: text => {
        let m
        try { m = JSON.parse(text) } catch (e) { m = { unparsable: text } }
        rec.messages.push(m)
        poke()
      }
    }
  })
  function poke () {
    for (const w of waiters.splice(0)) w()
  }
  /** Resolves with the first recorded message (from index `from`) matching `pred`. */
  rec.waitFor = async (pred, what, ms = 4000, from = 0) => {
    const deadline = Date.now() + ms
    for (;;) {
      for (let i = from; i < rec.messages.length; i++) {
        if (pred(rec.messages[i])) return rec.messages[i]
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(`no ${what} within ${ms} ms (${rec.messages.length} messages, last ` +
          `${JSON.stringify(rec.messages[rec.messages.length - 1] || null).slice(0, 150)})`)
      }
      await new Promise(resolve => { waiters.push(resolve); setTimeout(resolve, Math.min(left, 200)) })
    }
  }
  rec.waitOpen = async () => {
    const deadline = Date.now() + 3000
    while (!rec.opened) {
      assert(Date.now() < deadline, 'WebSocket did not open within 3 s')
      await sleep(20)
    }
  }
  rec.close = () => { try { rec.client.disconnect() } catch (e) {} }
  return rec
}

// ------------------------------------------------------------------ ccxt (REST and ccxt.pro)

async function ccxtChecks () {
  let ex = ccxtClient()
  let marketsLoaded = false

  await check('ccxt', 'fetchTime', async () => {
    const t = await ex.fetchTime()
    assert(Number.isInteger(t), `serverTime ${t} is not an integer`)
    assert(Math.abs(t - Date.now()) < 10_000, `serverTime ${t} is ${t - Date.now()} ms off`)
    return `serverTime ${t}`
  })
  await check('ccxt', 'publicGetPing', async () => {
    const r = await ex.publicGetPing()
    assert(r && typeof r === 'object' && Object.keys(r).length === 0, `answer ${JSON.stringify(r)} is not {}`)
    return '{}'
  })
  await check('ccxt', 'loadMarkets (default with a key: sapi capital/config/getall, margin/allPairs, margin/isolated/allPairs)', async () => {
    const markets = await ex.loadMarkets()
    marketsLoaded = true
    const cur = ex.currencies.BTC
    assert(cur && cur.id === 'BTC', `currency BTC missing: ${Object.keys(ex.currencies || {})}`)
    return `${Object.keys(markets).length} markets, ${Object.keys(ex.currencies).length} currencies`
  })
  if (!marketsLoaded) {
    // go on with the rest so the table shows every call; the failure above stays a failure
    ex = ccxtClient({ options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false } })
  }
  await check('ccxt', 'loadMarkets (filters)', async () => {
    const markets = await ex.loadMarkets()
    const m = markets[PAIR]
    assert(m, `${PAIR} not listed: ${Object.keys(markets).join(',')}`)
    assert(m.id === SYMBOL && m.spot === true && m.active === true, `market ${m.id} spot ${m.spot} active ${m.active}`)
    assert(m.precision.price === 0.01, `price precision ${m.precision.price} (PRICE_FILTER tickSize 0.01)`)
    assert(m.precision.amount === 0.00001, `amount precision ${m.precision.amount} (LOT_SIZE stepSize 0.00001)`)
    assert(m.limits.amount.min === 0.00001, `amount min ${m.limits.amount.min}`)
    assert(m.limits.cost.min === 5, `cost min ${m.limits.cost.min} (NOTIONAL minNotional 5)`)
    assert(markets['ETH/USDT'], 'ETH/USDT not listed')
    return `${PAIR}: tick ${m.precision.price}, step ${m.precision.amount}, min notional ${m.limits.cost.min}`
  })
  await check('ccxt', 'fetchOrderBook', async () => {
    const ob = await ex.fetchOrderBook(PAIR, 100)
    assert(Number.isInteger(ob.nonce), `nonce ${ob.nonce}`)
    assert(ob.bids.length > 0 && ob.asks.length > 0 && ob.bids.length <= 100, `levels ${ob.bids.length}/${ob.asks.length}`)
    for (let i = 1; i < ob.bids.length; i++) assert(ob.bids[i][0] < ob.bids[i - 1][0], 'bids not descending')
    for (let i = 1; i < ob.asks.length; i++) assert(ob.asks[i][0] > ob.asks[i - 1][0], 'asks not ascending')
    assert(ob.bids[0][0] < ob.asks[0][0], `crossed book ${ob.bids[0][0]} >= ${ob.asks[0][0]}`)
    return `lastUpdateId ${ob.nonce}, ${ob.bids[0][0]} / ${ob.asks[0][0]}`
  })
  await check('ccxt', 'fetchTrades (aggTrades)', async () => {
    const trades = await ex.fetchTrades(PAIR, undefined, 20)
    assert(trades.length > 0, 'no trades')
    for (const t of trades) {
      assert(t.price > 0 && t.amount > 0 && (t.side === 'buy' || t.side === 'sell') && t.timestamp > 0,
        `bad trade ${JSON.stringify(t.info)}`)
    }
    return `${trades.length} trades, last ${trades[trades.length - 1].price}`
  })
  await check('ccxt', 'fetchTicker (ticker/24hr)', async () => {
    const t = await ex.fetchTicker(PAIR)
    assert(t.symbol === PAIR, `symbol ${t.symbol}`)
    assert(t.bid > 0 && t.ask > t.bid, `bid ${t.bid} ask ${t.ask}`)
    assert(t.last > 0 && t.high >= t.low && t.high >= t.last && t.low <= t.last, `last ${t.last} high ${t.high} low ${t.low}`)
    assert(t.baseVolume >= 0, `volume ${t.baseVolume}`)
    return `last ${t.last}, bid ${t.bid}, ask ${t.ask}, high ${t.high}, low ${t.low}`
  })
  await check('ccxt', 'fetchTickers', async () => {
    const ts = await ex.fetchTickers([PAIR, 'ETH/USDT'])
    assert(ts[PAIR] && ts['ETH/USDT'], `tickers for ${Object.keys(ts)}`)
    assert(ts['ETH/USDT'].last > 0 && ts['ETH/USDT'].last < ts[PAIR].last, 'ETH last not below BTC last')
    return `${Object.keys(ts).join(', ')}`
  })
  await check('ccxt', 'fetchOHLCV (klines 1m)', async () => {
    const k = await ex.fetchOHLCV(PAIR, '1m', undefined, 10)
    assert(k.length > 0, 'no candles')
    for (let i = 0; i < k.length; i++) {
      const [t, o, h, l, c, v] = k[i]
      assert(t % 60_000 === 0, `open time ${t} not on a minute`)
      assert(l <= o && l <= c && h >= o && h >= c && l > 0 && v >= 0, `bad candle ${k[i]}`)
      if (i > 0) assert(t > k[i - 1][0], 'candles not ascending')
    }
    return `${k.length} candles, last close ${k[k.length - 1][4]}`
  })
  let balance0
  await check('ccxt', 'fetchBalance (account)', async () => {
    balance0 = await ex.fetchBalance()
    const usdt = balance0.USDT
    assert(usdt && usdt.free > 0, `USDT ${JSON.stringify(usdt)}`)
    assert(near(usdt.total, usdt.free + usdt.used), `USDT total ${usdt.total} != free + used`)
    assert(balance0.BTC && balance0.BTC.free > 0, `BTC ${JSON.stringify(balance0.BTC)}`)
    return `USDT free ${usdt.free}, BTC free ${balance0.BTC.free}`
  })
  await check('ccxt', 'createOrder {test: true} (order/test)', async () => {
    const r = await ex.createOrder(PAIR, 'limit', 'buy', 0.001, 60000, { test: true })
    assert(r && typeof r === 'object', `answer ${JSON.stringify(r)}`)
    assert(r.id === undefined, `order/test created order ${r.id}`)
    return 'validated, nothing placed'
  })
  let ob
  try { ob = await withTimeout(ex.fetchOrderBook(PAIR, 5), 3000, 'depth') } catch (e) { ob = null }
  const restPrice = ob ? below(ob.bids[0][0], 0.05) : '60000.00'
  let resting
  await check('ccxt', 'createOrder LIMIT (resting)', async () => {
    resting = await ex.createOrder(PAIR, 'limit', 'buy', 0.001, Number(restPrice))
    assert(resting.id, 'no order id')
    assert(resting.status === 'open' && resting.filled === 0, `status ${resting.status} filled ${resting.filled}`)
    assert(resting.price === Number(restPrice) && resting.amount === 0.001, `price ${resting.price} amount ${resting.amount}`)
    return `order ${resting.id} open at ${resting.price}`
  })
  await check('ccxt', 'fetchBalance (funds locked by a resting order)', async () => {
    assert(resting, 'no resting order')
    const b = await ex.fetchBalance()
    const locked = Number(restPrice) * 0.001
    assert(b.USDT.used >= locked - 1e-8, `USDT used ${b.USDT.used} < ${locked} locked by the order`)
    return `USDT used ${b.USDT.used}`
  })
  await check('ccxt', 'fetchOrder', async () => {
    assert(resting, 'no resting order')
    const o = await ex.fetchOrder(resting.id, PAIR)
    assert(o.id === resting.id && o.status === 'open' && o.price === resting.price, `order ${JSON.stringify(o.info)}`)
    assert(o.clientOrderId === resting.clientOrderId, `clientOrderId ${o.clientOrderId} != ${resting.clientOrderId}`)
    return `order ${o.id} ${o.status}`
  })
  await check('ccxt', 'fetchOpenOrders (openOrders)', async () => {
    assert(resting, 'no resting order')
    const os = await ex.fetchOpenOrders(PAIR)
    assert(os.some(o => o.id === resting.id), `order ${resting.id} not among ${os.map(o => o.id)}`)
    assert(os.every(o => o.status === 'open'), 'a listed order is not open')
    return `${os.length} open`
  })
  await check('ccxt', 'cancelOrder', async () => {
    assert(resting, 'no resting order')
    const c = await ex.cancelOrder(resting.id, PAIR)
    assert(c.id === resting.id && c.status === 'canceled', `status ${c.status}`)
    const o = await ex.fetchOrder(resting.id, PAIR)
    assert(o.status === 'canceled', `after cancel the order is ${o.status}`)
    return `order ${c.id} canceled`
  })
  let market
  await check('ccxt', 'createOrder MARKET (filled, balance moved)', async () => {
    const before = await ex.fetchBalance()
    market = await ex.createOrder(PAIR, 'market', 'buy', 0.002)
    assert(market.status === 'closed' && market.filled === 0.002, `status ${market.status} filled ${market.filled}`)
    assert(market.trades && market.trades.length > 0, 'no fills in the FULL answer')
    const after = await ex.fetchBalance()
    const fee = market.trades.reduce((s, t) => s + (t.fee && t.fee.currency === 'BTC' ? t.fee.cost : 0), 0)
    const gotBtc = after.BTC.total - before.BTC.total
    const paidUsdt = before.USDT.total - after.USDT.total
    assert(near(gotBtc, 0.002 - fee), `BTC moved by ${gotBtc}, want ${0.002 - fee} (0.002 less fee ${fee})`)
    assert(near(paidUsdt, market.cost, 1e-6), `USDT moved by ${paidUsdt}, want cost ${market.cost}`)
    return `filled 0.002 at ${market.average}, cost ${market.cost}, fee ${fee} BTC`
  })
  await check('ccxt', 'fetchMyTrades', async () => {
    assert(market, 'no market order')
    const ts = await ex.fetchMyTrades(PAIR)
    const mine = ts.filter(t => t.order === market.id)
    assert(mine.length > 0, `no trade of order ${market.id} among ${ts.length}`)
    const qty = mine.reduce((s, t) => s + t.amount, 0)
    assert(near(qty, 0.002), `trades of the order sum to ${qty}, want 0.002`)
    assert(mine.every(t => t.side === 'buy' && t.price > 0 && t.fee), 'bad trade side/price/fee')
    return `${mine.length} trade(s) for order ${market.id}`
  })
  await check('ccxt', 'fetchOrders (allOrders)', async () => {
    const os = await ex.fetchOrders(PAIR)
    assert(resting && os.some(o => o.id === resting.id && o.status === 'canceled'), 'canceled order missing')
    assert(market && os.some(o => o.id === market.id && o.status === 'closed'), 'filled order missing')
    return `${os.length} orders`
  })
  await check('ccxt', 'cancelAllOrders (DELETE openOrders)', async () => {
    const p = Number(restPrice)
    await ex.createOrder(PAIR, 'limit', 'buy', 0.001, p)
    await ex.createOrder(PAIR, 'limit', 'buy', 0.001, p - 1)
    const r = await ex.cancelAllOrders(PAIR)
    assert(Array.isArray(r) && r.length >= 2, `answer ${JSON.stringify(r).slice(0, 120)}`)
    const open = await ex.fetchOpenOrders(PAIR)
    assert(open.length === 0, `${open.length} still open`)
    return `${r.length} canceled`
  })
  await check('ccxt', 'error -1121 invalid symbol (BadSymbol)', () =>
    ccxtError(ex.publicGetDepth({ symbol: 'NOPEUSDT' }), ccxt.BadSymbol, -1121))
  await check('ccxt', 'error -1013 LOT_SIZE', () =>
    ccxtError(ex.privatePostOrder({ symbol: SYMBOL, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.000015', price: '60000' }),
      ccxt.ExchangeError, -1013, 'LOT_SIZE'))
  await check('ccxt', 'error -1013 PRICE_FILTER', () =>
    ccxtError(ex.privatePostOrder({ symbol: SYMBOL, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '60000.005' }),
      ccxt.ExchangeError, -1013, 'PRICE_FILTER'))
  await check('ccxt', 'error -1013 NOTIONAL', () =>
    ccxtError(ex.privatePostOrder({ symbol: SYMBOL, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.00001', price: '60000' }),
      ccxt.ExchangeError, -1013, 'NOTIONAL'))
  await check('ccxt', 'error -1022 bad signature (AuthenticationError)', async () => {
    const bad = ccxtClient({ secret: 'not-the-secret', options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false } })
    return ccxtError(bad.privateGetOrder({ symbol: SYMBOL, orderId: 1 }), ccxt.AuthenticationError, -1022)
  })
  await check('ccxt', 'error -2015 wrong key (AuthenticationError)', async () => {
    const bad = ccxtClient({ apiKey: 'not-the-key', options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false } })
    return ccxtError(bad.privateGetOrder({ symbol: SYMBOL, orderId: 1 }), ccxt.AuthenticationError, -2015)
  })
  await check('ccxt', 'error -1021 stale timestamp (InvalidNonce)', async () => {
    const stale = ccxtClient({ options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, timeDifference: 120_000 } })
    return ccxtError(stale.privateGetOrder({ symbol: SYMBOL, orderId: 1 }), ccxt.InvalidNonce, -1021)
  })
  await check('ccxt', 'error -2010 duplicate clientOrderId (InvalidOrder)', async () => {
    const id = `conf-ccxt-dup-${Date.now()}`
    const first = await ex.createOrder(PAIR, 'limit', 'buy', 0.001, Number(restPrice), { clientOrderId: id })
    try {
      return await ccxtError(ex.createOrder(PAIR, 'limit', 'buy', 0.001, Number(restPrice), { clientOrderId: id }),
        ccxt.InvalidOrder, -2010, 'Duplicate order sent.')
    } finally {
      await ex.cancelOrder(first.id, PAIR).catch(() => {})
    }
  })

  // ccxt.pro: connects to /ws and subscribes by message. ccxt needs its http agent loaded once
  // for a plain ws:// URL (the simulator serves no TLS); without it: NotSupported
  await ex.loadHttpProxyAgent()
  await check('ccxt.pro', 'watchOrderBook (equals REST depth at the same update id)', async () => {
    await ex.watchOrderBook(PAIR)
    let lastGap = ''
    for (let attempt = 0; attempt < 30; attempt++) {
      const rest = await ex.publicGetDepth({ symbol: SYMBOL, limit: 1000 })
      const local = ex.orderbooks[PAIR]
      const copy = { nonce: local.nonce, bids: local.bids.map(l => [l[0], l[1]]), asks: local.asks.map(l => [l[0], l[1]]) }
      if (copy.nonce !== Number(rest.lastUpdateId)) {
        lastGap = `local ${copy.nonce} vs REST ${rest.lastUpdateId}`
        await ex.watchOrderBook(PAIR)
        continue
      }
      const restBids = rest.bids.map(l => [Number(l[0]), Number(l[1])])
      const restAsks = rest.asks.map(l => [Number(l[0]), Number(l[1])])
      assert(JSON.stringify(copy.bids) === JSON.stringify(restBids),
        `bids differ at update ${copy.nonce}: local ${JSON.stringify(copy.bids.slice(0, 3))} REST ${JSON.stringify(restBids.slice(0, 3))}`)
      assert(JSON.stringify(copy.asks) === JSON.stringify(restAsks),
        `asks differ at update ${copy.nonce}: local ${JSON.stringify(copy.asks.slice(0, 3))} REST ${JSON.stringify(restAsks.slice(0, 3))}`)
      return `equal at update ${copy.nonce} (${copy.bids.length}+${copy.asks.length} levels, attempt ${attempt + 1})`
    }
    throw new Error(`never at the same update id in 30 attempts (${lastGap})`)
  }, 10_000)
  await check('ccxt.pro', 'watchTrades', async () => {
    const ts = await ex.watchTrades(PAIR)
    assert(ts.length > 0 && ts.every(t => t.price > 0 && t.amount > 0 && t.symbol === PAIR), 'bad trades')
    return `${ts.length} trade(s), last ${ts[ts.length - 1].price}`
  })
  await check('ccxt.pro', 'watchTicker', async () => {
    const t = await ex.watchTicker(PAIR)
    assert(t.symbol === PAIR && t.last > 0 && t.high >= t.low, `ticker ${JSON.stringify(t.info).slice(0, 150)}`)
    return `last ${t.last}`
  })
  await check('ccxt.pro', 'watchOHLCV (kline_1m)', async () => {
    const k = await ex.watchOHLCV(PAIR, '1m')
    const c = k[k.length - 1]
    assert(c && c[0] % 60_000 === 0 && c[2] >= c[3], `candle ${c}`)
    return `candle at ${c[0]} close ${c[4]}`
  })
  await check('ccxt.pro', 'watchBidsAsks (bookTicker)', async () => {
    const bas = await ex.watchBidsAsks([PAIR])
    const t = bas[PAIR]
    assert(t && t.bid > 0 && t.ask > t.bid, `bookTicker ${JSON.stringify(t && t.info)}`)
    return `bid ${t.bid} ask ${t.ask}`
  })
  await ex.close().catch(() => {})
}

// ------------------------------------------------------------------ @binance/connector

async function connectorChecks () {
  const c = connector()

  await check('connector', 'time', async () => {
    const r = await c.time()
    assert(Number.isInteger(r.data.serverTime), `answer ${JSON.stringify(r.data)}`)
    return `serverTime ${r.data.serverTime}`
  })
  await check('connector', 'ping', async () => {
    const r = await c.ping()
    assert(JSON.stringify(r.data) === '{}', `answer ${JSON.stringify(r.data)}`)
    assert(r.headers['x-mbx-used-weight-1m'], 'no X-MBX-USED-WEIGHT-1M header')
    return `{} (used weight ${r.headers['x-mbx-used-weight-1m']})`
  })
  await check('connector', 'exchangeInfo (filters)', async () => {
    const r = await c.exchangeInfo()
    const s = r.data.symbols.find(x => x.symbol === SYMBOL)
    assert(s && s.status === 'TRADING' && s.baseAsset === 'BTC' && s.quoteAsset === 'USDT', `symbol ${JSON.stringify(s).slice(0, 120)}`)
    const f = Object.fromEntries(s.filters.map(x => [x.filterType, x]))
    assert(f.PRICE_FILTER && Number(f.PRICE_FILTER.tickSize) === 0.01, 'PRICE_FILTER')
    assert(f.LOT_SIZE && Number(f.LOT_SIZE.stepSize) === 0.00001, 'LOT_SIZE')
    assert(f.NOTIONAL && Number(f.NOTIONAL.minNotional) === 5, 'NOTIONAL')
    assert(r.data.rateLimits.some(l => l.rateLimitType === 'REQUEST_WEIGHT'), 'no REQUEST_WEIGHT limit')
    return `${r.data.symbols.length} symbols, filters ${Object.keys(f).join(',')}`
  })
  await check('connector', 'exchangeInfo symbol=', async () => {
    const r = await c.exchangeInfo({ symbol: 'ETHUSDT' })
    const names = r.data.symbols.map(x => x.symbol)
    assert(names.length === 1 && names[0] === 'ETHUSDT', `symbols ${names}`)
    return 'ETHUSDT only'
  })
  await check('connector', 'exchangeInfo symbols=[…]', async () => {
    const r = await c.exchangeInfo({ symbols: ['BTCUSDT', 'ETHUSDT'] })
    const names = r.data.symbols.map(x => x.symbol).sort()
    assert(JSON.stringify(names) === '["BTCUSDT","ETHUSDT"]', `symbols ${names}`)
    return names.join(',')
  })
  await check('connector', 'depth', async () => {
    const r = await c.depth(SYMBOL, { limit: 10 })
    const d = r.data
    assert(Number.isInteger(d.lastUpdateId) && d.bids.length === 10 && d.asks.length === 10, `levels ${d.bids.length}/${d.asks.length}`)
    assert(d.bids.every(l => isDecimal(l[0]) && isDecimal(l[1])), 'levels are not decimal strings')
    assert(Number(d.bids[0][0]) < Number(d.asks[0][0]), 'crossed')
    return `lastUpdateId ${d.lastUpdateId}`
  })
  await check('connector', 'trades', async () => {
    const r = await c.trades(SYMBOL, { limit: 5 })
    assert(Array.isArray(r.data) && r.data.length > 0 && r.data.length <= 5, `${JSON.stringify(r.data).slice(0, 120)}`)
    const t = r.data[0]
    for (const k of ['id', 'price', 'qty', 'quoteQty', 'time', 'isBuyerMaker', 'isBestMatch']) assert(k in t, `trade lacks ${k}`)
    assert(isDecimal(t.price) && isDecimal(t.qty), 'price/qty not decimal strings')
    for (let i = 1; i < r.data.length; i++) assert(r.data[i].id > r.data[i - 1].id, 'ids not ascending')
    return `${r.data.length} trades`
  })
  await check('connector', 'aggTrades', async () => {
    const r = await c.aggTrades(SYMBOL, { limit: 5 })
    const t = r.data[0]
    assert(t, 'no aggTrades')
    for (const k of ['a', 'p', 'q', 'f', 'l', 'T', 'm']) assert(k in t, `aggTrade lacks ${k}`)
    return `${r.data.length} aggTrades`
  })
  for (const interval of ['1m', '5m', '1h', '1d']) {
    await check('connector', `klines ${interval}`, async () => {
      const r = await c.klines(SYMBOL, interval, { limit: 3 })
      assert(Array.isArray(r.data) && r.data.length > 0, 'no klines')
      const k = r.data[r.data.length - 1]
      assert(k.length === 12, `kline has ${k.length} fields (want 12)`)
      const [o, h, l, cl] = [k[1], k[2], k[3], k[4]].map(Number)
      assert(isDecimal(k[1]) && h >= Math.max(o, cl) && l <= Math.min(o, cl), `kline ${k}`)
      assert(k[6] > k[0], 'close time not after open time')
      return `${r.data.length} klines, last close ${k[4]}`
    })
  }
  await check('connector', 'ticker24hr', async () => {
    const r = await c.ticker24hr(SYMBOL)
    const t = r.data
    for (const k of ['priceChange', 'lastPrice', 'bidPrice', 'askPrice', 'highPrice', 'lowPrice', 'volume', 'openTime', 'closeTime', 'count']) {
      assert(k in t, `ticker lacks ${k}`)
    }
    assert(Number(t.bidPrice) < Number(t.askPrice), `bid ${t.bidPrice} ask ${t.askPrice}`)
    return `last ${t.lastPrice}`
  })
  await check('connector', 'tickerPrice', async () => {
    const r = await c.tickerPrice(SYMBOL)
    assert(r.data.symbol === SYMBOL && isDecimal(r.data.price), JSON.stringify(r.data))
    return `price ${r.data.price}`
  })
  await check('connector', 'bookTicker', async () => {
    const r = await c.bookTicker(SYMBOL)
    const t = r.data
    assert(t.symbol === SYMBOL && Number(t.bidPrice) < Number(t.askPrice) && isDecimal(t.bidQty), JSON.stringify(t))
    return `${t.bidPrice} / ${t.askPrice}`
  })
  await check('connector', 'avgPrice', async () => {
    const r = await c.avgPrice(SYMBOL)
    assert(Number.isInteger(r.data.mins) && isDecimal(r.data.price), JSON.stringify(r.data))
    return `${r.data.mins} min avg ${r.data.price}`
  })
  let account0
  await check('connector', 'account', async () => {
    const r = await c.account()
    account0 = r.data
    assert(Array.isArray(account0.balances), 'no balances')
    const usdt = account0.balances.find(b => b.asset === 'USDT')
    assert(usdt && isDecimal(usdt.free) && isDecimal(usdt.locked), `USDT ${JSON.stringify(usdt)}`)
    assert(account0.canTrade === true, 'canTrade is not true')
    return `USDT free ${usdt.free} locked ${usdt.locked}`
  })
  await check('connector', 'newOrderTest', async () => {
    const r = await c.newOrderTest(SYMBOL, 'BUY', 'LIMIT', { price: '60000', quantity: '0.001', timeInForce: 'GTC' })
    assert(JSON.stringify(r.data) === '{}', `answer ${JSON.stringify(r.data)}`)
    return '{}'
  })
  let bestBid = '60000.00'
  try { bestBid = (await withTimeout(c.depth(SYMBOL, { limit: 5 }), 3000, 'depth')).data.bids[0][0] } catch (e) {}
  const restPrice = below(bestBid, 0.05)
  let resting
  await check('connector', 'newOrder LIMIT (resting)', async () => {
    const r = await c.newOrder(SYMBOL, 'BUY', 'LIMIT', { price: restPrice, quantity: '0.001', timeInForce: 'GTC' })
    resting = r.data
    assert(resting.status === 'NEW' && Number(resting.executedQty) === 0, `status ${resting.status}`)
    assert(Number(resting.price) === Number(restPrice) && resting.fills && resting.fills.length === 0, JSON.stringify(resting).slice(0, 150))
    return `order ${resting.orderId} NEW at ${resting.price}`
  })
  await check('connector', 'getOrder', async () => {
    assert(resting, 'no resting order')
    const r = await c.getOrder(SYMBOL, { orderId: resting.orderId })
    assert(r.data.orderId === resting.orderId && r.data.status === 'NEW' && r.data.clientOrderId === resting.clientOrderId, JSON.stringify(r.data).slice(0, 150))
    return `order ${r.data.orderId} NEW`
  })
  await check('connector', 'openOrders', async () => {
    assert(resting, 'no resting order')
    const r = await c.openOrders({ symbol: SYMBOL })
    assert(Array.isArray(r.data) && r.data.some(o => o.orderId === resting.orderId), `open: ${JSON.stringify(r.data).slice(0, 150)}`)
    return `${r.data.length} open`
  })
  await check('connector', 'cancelOrder', async () => {
    assert(resting, 'no resting order')
    const r = await c.cancelOrder(SYMBOL, { orderId: resting.orderId })
    assert(r.data.status === 'CANCELED' && r.data.orderId === resting.orderId, JSON.stringify(r.data).slice(0, 150))
    return `order ${r.data.orderId} CANCELED`
  })
  await check('connector', 'cancelOpenOrders', async () => {
    await c.newOrder(SYMBOL, 'BUY', 'LIMIT', { price: restPrice, quantity: '0.001', timeInForce: 'GTC' })
    await c.newOrder(SYMBOL, 'BUY', 'LIMIT', { price: restPrice, quantity: '0.002', timeInForce: 'GTC' })
    const r = await c.cancelOpenOrders(SYMBOL)
    assert(Array.isArray(r.data) && r.data.length === 2 && r.data.every(o => o.status === 'CANCELED'), JSON.stringify(r.data).slice(0, 150))
    const open = await c.openOrders({ symbol: SYMBOL })
    assert(open.data.length === 0, `${open.data.length} still open`)
    return '2 canceled'
  })
  let market
  await check('connector', 'newOrder MARKET (filled, account moved)', async () => {
    const before = (await c.account()).data
    const r = await c.newOrder(SYMBOL, 'SELL', 'MARKET', { quantity: '0.003' })
    market = r.data
    assert(market.status === 'FILLED' && Number(market.executedQty) === 0.003, `status ${market.status} executed ${market.executedQty}`)
    assert(market.fills.length > 0, 'no fills')
    const after = (await c.account()).data
    const bal = (acc, a) => { const b = acc.balances.find(x => x.asset === a); return b ? Number(b.free) + Number(b.locked) : 0 }
    const fee = market.fills.reduce((s, f) => s + (f.commissionAsset === 'USDT' ? Number(f.commission) : 0), 0)
    assert(near(bal(before, 'BTC') - bal(after, 'BTC'), 0.003), `BTC moved by ${bal(before, 'BTC') - bal(after, 'BTC')}, want 0.003`)
    const got = bal(after, 'USDT') - bal(before, 'USDT')
    assert(near(got, Number(market.cummulativeQuoteQty) - fee, 1e-6), `USDT moved by ${got}, want ${market.cummulativeQuoteQty} less fee ${fee}`)
    return `sold 0.003 for ${market.cummulativeQuoteQty} USDT, fee ${fee}`
  })
  await check('connector', 'myTrades', async () => {
    assert(market, 'no market order')
    const r = await c.myTrades(SYMBOL)
    const mine = r.data.filter(t => t.orderId === market.orderId)
    assert(mine.length === market.fills.length, `${mine.length} trades for order ${market.orderId}, ${market.fills.length} fills`)
    for (const k of ['symbol', 'id', 'orderId', 'price', 'qty', 'quoteQty', 'commission', 'commissionAsset', 'time', 'isBuyer', 'isMaker']) {
      assert(k in mine[0], `trade lacks ${k}`)
    }
    assert(mine.every(t => t.isBuyer === false && t.isMaker === false), 'a sell taker must be isBuyer false, isMaker false')
    return `${mine.length} trade(s)`
  })
  await check('connector', 'allOrders', async () => {
    const r = await c.allOrders(SYMBOL)
    assert(resting && r.data.some(o => o.orderId === resting.orderId && o.status === 'CANCELED'), 'canceled order missing')
    assert(market && r.data.some(o => o.orderId === market.orderId && o.status === 'FILLED'), 'filled order missing')
    return `${r.data.length} orders`
  })
  await check('connector', 'listenKey create/renew/close', async () => {
    const k = (await c.createListenKey()).data.listenKey
    assert(typeof k === 'string' && k.length >= 20, `listenKey ${k}`)
    const renew = await c.renewListenKey(k)
    assert(JSON.stringify(renew.data) === '{}', `renew ${JSON.stringify(renew.data)}`)
    const close = await c.closeListenKey(k)
    assert(JSON.stringify(close.data) === '{}', `close ${JSON.stringify(close.data)}`)
    return `listenKey ${k.slice(0, 12)}…`
  })
  await check('connector', 'user data stream (executionReport + outboundAccountPosition of a fill)', async () => {
    const k = (await c.createListenKey()).data.listenKey
    const s = wsStream()
    try {
      s.client.userData(k)
      await s.waitOpen()
      await sleep(200)
      const o = (await c.newOrder(SYMBOL, 'BUY', 'MARKET', { quantity: '0.001' })).data
      assert(o.status === 'FILLED', `market order ${o.status}`)
      const er = await s.waitFor(m => m.e === 'executionReport' && m.i === o.orderId && m.X === 'FILLED', `FILLED executionReport of ${o.orderId}`)
      assert(er.s === SYMBOL && er.S === 'BUY' && er.o === 'MARKET' && er.x === 'TRADE', `report ${JSON.stringify(er).slice(0, 150)}`)
      assert(Number(er.z) === 0.001 && er.c === o.clientOrderId, `z ${er.z} c ${er.c}`)
      const pos = await s.waitFor(m => m.e === 'outboundAccountPosition', 'outboundAccountPosition')
      assert(Array.isArray(pos.B) && pos.B.some(b => b.a === 'BTC') && pos.B.some(b => b.a === 'USDT'), `position ${JSON.stringify(pos).slice(0, 150)}`)
      return `executionReport FILLED z=${er.z}, outboundAccountPosition ${pos.B.map(b => b.a).join(',')}`
    } finally {
      s.close()
    }
  }, 8000)
  // errors, as Binance documents them
  const bad = { price: '60000', quantity: '0.001', timeInForce: 'GTC' }
  await check('connector', 'error -1121 invalid symbol', () => binanceError(c.depth('NOPEUSDT'), -1121, 400, 'Invalid symbol'))
  await check('connector', 'error -1013 LOT_SIZE', () =>
    binanceError(c.newOrder(SYMBOL, 'BUY', 'LIMIT', { ...bad, quantity: '0.000015' }), -1013, 400, 'LOT_SIZE'))
  await check('connector', 'error -1013 PRICE_FILTER', () =>
    binanceError(c.newOrder(SYMBOL, 'BUY', 'LIMIT', { ...bad, price: '60000.005' }), -1013, 400, 'PRICE_FILTER'))
  await check('connector', 'error -1013 NOTIONAL', () =>
    binanceError(c.newOrder(SYMBOL, 'BUY', 'LIMIT', { ...bad, quantity: '0.00001' }), -1013, 400, 'NOTIONAL'))
  await check('connector', 'error -1022 bad signature', () => binanceError(connector(KEY, 'not-the-secret').getOrder(SYMBOL, { orderId: 1 }), -1022, 400))
  await check('connector', 'error -2015 wrong key', () => binanceError(connector('not-the-key', SECRET).getOrder(SYMBOL, { orderId: 1 }), -2015, 401))
  await check('connector', 'error -1021 stale timestamp', async () => {
    const real = Date.now
    Date.now = () => real() - 120_000 // the connector stamps requests with Date.now()
    let p
    try { p = c.getOrder(SYMBOL, { orderId: 1 }) } finally { Date.now = real }
    return binanceError(p, -1021, 400)
  })
  await check('connector', 'error -2010 duplicate clientOrderId', async () => {
    const id = `conf-conn-dup-${Date.now()}`
    const first = (await c.newOrder(SYMBOL, 'BUY', 'LIMIT', { ...bad, price: restPrice, newClientOrderId: id })).data
    try {
      return await binanceError(c.newOrder(SYMBOL, 'BUY', 'LIMIT', { ...bad, price: restPrice, newClientOrderId: id }), -2010, 400, 'Duplicate order sent.')
    } finally {
      await c.cancelOrder(SYMBOL, { orderId: first.orderId }).catch(() => {})
    }
  })
  await check('connector', 'error -2010 insufficient balance', () =>
    binanceError(c.newOrder(SYMBOL, 'SELL', 'MARKET', { quantity: '5000' }), -2010, 400, 'insufficient balance'))
  await check('connector', 'error -2013 order does not exist', () =>
    binanceError(c.getOrder(SYMBOL, { orderId: 987654321 }), -2013, 400))
  await check('connector', 'error -2011 cancel unknown order', () =>
    binanceError(c.cancelOrder(SYMBOL, { orderId: 987654321 }), -2011, 400))
}

// ------------------------------------------------------------------ streams (connector WebSocket)

async function streamChecks () {
  const lower = SYMBOL.toLowerCase()
  const streams = [
    ['trade', m => m.e === 'trade' && m.s === SYMBOL && isDecimal(m.p) && isDecimal(m.q) && Number.isInteger(m.t)],
    ['aggTrade', m => m.e === 'aggTrade' && m.s === SYMBOL && isDecimal(m.p) && Number.isInteger(m.a)],
    ['bookTicker', m => m.s === SYMBOL && Number.isInteger(m.u) && Number(m.b) < Number(m.a) && isDecimal(m.B)],
    ['kline_1m', m => m.e === 'kline' && m.s === SYMBOL && m.k && m.k.i === '1m' && m.k.t % 60_000 === 0 && Number(m.k.h) >= Number(m.k.l)],
    ['ticker', m => m.e === '24hrTicker' && m.s === SYMBOL && isDecimal(m.c) && isDecimal(m.b)],
    ['miniTicker', m => m.e === '24hrMiniTicker' && m.s === SYMBOL && isDecimal(m.c)]
  ]
  for (const [name, ok] of streams) {
    await check('connector-ws', `stream ${lower}@${name}`, async () => {
      const s = wsStream()
      try {
        s.client.subscribe(`${lower}@${name}`)
        const m = await s.waitFor(ok, `valid ${name} message`, 4500)
        return JSON.stringify(m).slice(0, 120)
      } finally { s.close() }
    })
  }
  await check('connector-ws', `diffBookDepth ${lower}@depth@100ms (U = previous u + 1)`, async () => {
    const s = wsStream()
    try {
      s.client.diffBookDepth(SYMBOL, '100ms')
      let prev = await s.waitFor(m => m.e === 'depthUpdate', 'depthUpdate', 3000)
      for (let n = 0; n < 5; n++) {
        const next = await s.waitFor(m => m.e === 'depthUpdate', 'next depthUpdate', 3000, s.messages.indexOf(prev) + 1)
        assert(next.U === prev.u + 1, `U ${next.U} after u ${prev.u}`)
        assert(next.s === SYMBOL && Array.isArray(next.b) && Array.isArray(next.a), 'bad depthUpdate')
        prev = next
      }
      return `6 updates in sequence, last u ${prev.u}`
    } finally { s.close() }
  }, 6000)
  await check('connector-ws', 'local book (diff stream + REST snapshot, as Binance documents) equals REST depth', async () => {
    const s = wsStream()
    const rest = connector()
    try {
      s.client.diffBookDepth(SYMBOL, '100ms')
      await s.waitFor(m => m.e === 'depthUpdate', 'depthUpdate', 3000)
      const snap = (await rest.depth(SYMBOL, { limit: 5000 })).data
      const book = { bids: new Map(snap.bids.map(l => [l[0], l[1]])), asks: new Map(snap.asks.map(l => [l[0], l[1]])) }
      let last = snap.lastUpdateId
      let applied = 0
      let next = 0
      const apply = () => {
        for (; next < s.messages.length; next++) {
          const m = s.messages[next]
          if (m.e !== 'depthUpdate' || m.u <= last) continue
          assert(m.U <= last + 1, `gap: event U ${m.U} after update ${last}`)
          for (const [side, levels] of [['bids', m.b], ['asks', m.a]]) {
            for (const [p, q] of levels) {
              if (Number(q) === 0) book[side].delete(p); else book[side].set(p, q)
            }
          }
          last = m.u
          applied++
        }
      }
      for (let attempt = 0; attempt < 30; attempt++) {
        apply()
        const now = (await rest.depth(SYMBOL, { limit: 5000 })).data
        apply()
        if (now.lastUpdateId !== last || applied === 0) {
          await sleep(30)
          continue
        }
        const sorted = (m, desc) => [...m.entries()].sort((x, y) => desc ? y[0] - x[0] : x[0] - y[0])
        const bids = sorted(book.bids, true)
        const asks = sorted(book.asks, false)
        assert(JSON.stringify(bids) === JSON.stringify(now.bids), `bids differ at update ${last}`)
        assert(JSON.stringify(asks) === JSON.stringify(now.asks), `asks differ at update ${last}`)
        return `equal at update ${last} after ${applied} events (${bids.length}+${asks.length} levels)`
      }
      throw new Error(`never at the same update id (local ${last})`)
    } finally { s.close() }
  }, 10_000)
  await check('connector-ws', 'stream <symbol>@depth (plain name, 1000 ms)', async () => {
    const s = wsStream()
    try {
      s.client.subscribe(`${lower}@depth`)
      const first = await s.waitFor(m => m.e === 'depthUpdate', 'depthUpdate', 3000)
      const second = await s.waitFor(m => m.e === 'depthUpdate', 'second depthUpdate', 3000, s.messages.indexOf(first) + 1)
      // 1000 ms apart, not 100: allow for scheduling delay
      assert(second.U === first.u + 1 && second.E - first.E >= 500, `U ${second.U} after u ${first.u}, ${second.E - first.E} ms`)
      return `${second.E - first.E} ms apart`
    } finally { s.close() }
  }, 8000)
  await check('connector-ws', 'combined /stream?streams= envelope', async () => {
    const s = wsStream(true)
    try {
      s.client.subscribe([`${lower}@bookTicker`, `${lower}@trade`])
      const m = await s.waitFor(x => x.stream === `${lower}@bookTicker` && x.data && x.data.s === SYMBOL, 'combined bookTicker')
      return `{"stream":"${m.stream}","data":…}`
    } finally { s.close() }
  })
  await check('connector-ws', 'SUBSCRIBE / LIST_SUBSCRIPTIONS / UNSUBSCRIBE on an open connection', async () => {
    const s = wsStream()
    try {
      s.client.subscribe(`${lower}@trade`)
      await s.waitOpen()
      s.client.subscribe([`${lower}@bookTicker`]) // connected: the connector sends SUBSCRIBE
      await s.waitFor(m => 'result' in m && m.result === null && Number.isInteger(m.id), 'SUBSCRIBE answer {"result":null,"id":…}')
      await s.waitFor(m => m.u && m.b && m.a && m.s === SYMBOL, 'bookTicker after SUBSCRIBE')
      s.client.wsConnection.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 77 }))
      const list = await s.waitFor(m => m.id === 77, 'LIST_SUBSCRIPTIONS answer')
      assert(Array.isArray(list.result) && list.result.includes(`${lower}@bookTicker`), `list ${JSON.stringify(list)}`)
      s.client.wsConnection.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: [`${lower}@bookTicker`], id: 78 }))
      const un = await s.waitFor(m => m.id === 78, 'UNSUBSCRIBE answer')
      assert(un.result === null, `unsubscribe ${JSON.stringify(un)}`)
      await sleep(250) // an event the market thread was already sending may still arrive
      const mark = s.messages.length
      await sleep(600)
      const late = s.messages.slice(mark).filter(m => m.u && m.b && m.a && !m.e)
      assert(late.length === 0, `${late.length} bookTicker messages after UNSUBSCRIBE`)
      return `list ${JSON.stringify(list.result)}`
    } finally { s.close() }
  }, 8000)
  await check('connector-ws', 'ping from the client gets a pong', async () => {
    const ws = new WebSocket(`${WS}/ws/${lower}@trade`)
    try {
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
      const pong = new Promise(resolve => ws.once('pong', data => resolve(data.toString())))
      ws.ping('conformance')
      const payload = await withTimeout(pong, 3000, 'pong')
      assert(payload === 'conformance', `pong payload ${JSON.stringify(payload)}`)
      return 'pong with the ping payload'
    } finally { ws.terminate() }
  })
  await check('connector-ws', 'server pings (answered by the client)', async () => {
    const s = wsStream()
    try {
      s.client.subscribe(`${lower}@trade`)
      await s.waitOpen()
      const deadline = Date.now() + PING_WAIT_MS
      while (s.pings === 0 && Date.now() < deadline) await sleep(50)
      assert(s.pings > 0, `no ping frame within ${PING_WAIT_MS} ms`)
      return `${s.pings} ping(s)`
    } finally { s.close() }
  }, PING_WAIT_MS + 2000)
}

// ------------------------------------------------------------------ plain HTTP (error shape, weights)

async function httpChecks () {
  await check('http', 'unknown endpoint gets {code,msg}', async () => {
    const r = await fetch(`${REST}/api/v3/noSuchEndpoint`)
    const text = await r.text()
    let body
    try { body = JSON.parse(text) } catch (e) { throw new Error(`HTTP ${r.status}, not JSON: ${text.slice(0, 100)}`) }
    assert(r.status === 404 && Number.isInteger(body.code) && typeof body.msg === 'string', `HTTP ${r.status} ${text.slice(0, 100)}`)
    return `HTTP 404 ${text.slice(0, 100)}`
  })
  await check('http', 'missing parameter gets -1102', async () => {
    const r = await fetch(`${REST}/api/v3/depth`)
    const body = await r.json().catch(() => null)
    assert(r.status === 400 && body && body.code === -1102 && body.msg.includes('symbol'), `HTTP ${r.status} ${JSON.stringify(body)}`)
    return JSON.stringify(body)
  })
  // last: it spends the minute's whole weight budget
  await check('http', 'over the weight limit: 429, Retry-After, -1003', async () => {
    for (let i = 0; i < 60; i++) {
      const r = await fetch(`${REST}/api/v3/depth?symbol=${SYMBOL}&limit=5000`)
      const used = Number(r.headers.get('x-mbx-used-weight-1m'))
      if (r.status === 429) {
        const body = await r.json()
        assert(body.code === -1003, `body ${JSON.stringify(body)}`)
        assert(Number(r.headers.get('retry-after')) > 0, `Retry-After ${r.headers.get('retry-after')}`)
        return `429 after ${i + 1} calls of weight 250, Retry-After ${r.headers.get('retry-after')}`
      }
      assert(r.status === 200, `HTTP ${r.status}`)
      assert(used > 0, 'no X-MBX-USED-WEIGHT-1M')
      await r.arrayBuffer()
    }
    throw new Error('no 429 after 60 calls of weight 250')
  }, 15_000)
}

async function main () {
  const started = STARTED
  // warm-up, not a check: the simulated market prints its first trades within a second or two
  for (let i = 0; i < 30; i++) {
    const r = await fetch(`${REST}/api/v3/trades?symbol=${SYMBOL}&limit=1`).catch(() => null)
    const body = r && r.ok ? await r.json().catch(() => []) : []
    if (Array.isArray(body) && body.length > 0) break
    await sleep(100)
  }
  await ccxtChecks()
  await connectorChecks()
  await streamChecks()
  await httpChecks()
  const failed = results.filter(r => !r.pass)
  console.log(`SUMMARY ${results.length - failed.length}/${results.length} passed in ${Date.now() - started} ms`)
  process.exit(failed.length === 0 ? 0 : 1)
}

main().catch(e => {
  console.error('conformance: harness failed', e)
  process.exit(3)
})
