import Foundation
import HTTPTypes
import HermesCore
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import OrderedCollections
import Synchronization

/// An OpenAI-compatible chat-completions server on loopback whose answers, latency, speed,
/// tool calls and failures follow an `LLMSimulatorConfig`.
///
/// Routes: `POST /v1/chat/completions` (streamed or not), `GET /v1/models`, `GET /health`,
/// `GET /sim/stats` (its counters as JSON), `GET /sim/requests` (the last requests' bodies).
/// Decisions come from seeded streams, one per conversation turn (`SimulatedRequest.streamKey`),
/// each drawn in arrival order: a workload with the same seed gets the same answers however its
/// conversations and the runtime's background calls interleave.
public final class LLMSimulator: Sendable {
    /// The decision engine.
    public let behavior: LLMBehavior
    private let state: Mutex<State>
    private let logger: Logger

    private struct State {
        /// The turns' streams, oldest first, at most `streamLimit`.
        var streams: OrderedDictionary<UInt64, SeededGenerator> = [:]
        var nextIndex = 0
        var stats = LLMSimulatorStats()
        /// The bodies of the last `recentLimit` requests, oldest first.
        var recent: [ByteBuffer] = []
        var requestWaiters = CountWaiters()
    }

    /// How many request bodies `GET /sim/requests` keeps: enough to see what a runtime sent for
    /// its last turns (a model call, a title, a summary), bounded whatever the load.
    public static let recentLimit = 32

    /// How many turns' streams are kept: a turn older than that is long over in any workload, and
    /// one that comes back starts its stream again.
    static let streamLimit = 4_096

    /// Makes a simulator; nothing listens until `makeApplication` is run or `withServer` is called.
    public init(config: LLMSimulatorConfig = LLMSimulatorConfig(), logger: Logger? = nil) {
        behavior = LLMBehavior(config: config)
        state = Mutex(State())
        var logger = logger ?? Logger(label: "hermes.sim.llm")
        // Hummingbird logs a cancelled shutdown at error level; a simulator stopping is routine.
        if logger.logLevel < .critical { logger.logLevel = .critical }
        self.logger = logger
    }

    /// The counters so far.
    public func stats() -> LLMSimulatorStats { state.withLock { $0.stats } }

    /// The last requests' bodies (at most `recentLimit`), oldest first, as a JSON array.
    public func recentRequests() -> String {
        let bodies = state.withLock { $0.recent }
        return "[" + bodies.map { String(buffer: $0) }.joined(separator: ",") + "]"
    }

    /// Returns once `count` requests have arrived (counted as `stats().requests`, before they are
    /// answered), so a test can act while they are in flight without polling.
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { $0.requestWaiters.add(continuation, for: count, current: $0.stats.requests) }
            if !waiting { continuation.resume() }
        }
    }

    /// Zeroes the counters (the random sequence goes on).
    public func resetStats() { state.withLock { $0.stats = LLMSimulatorStats() } }

    /// Plans the next request in arrival order and counts it.
    public func nextPlan(for request: SimulatedRequest) -> ReplyPlan {
        let (plan, arrived) = state.withLock { state -> (ReplyPlan, [CheckedContinuation<Void, Never>]) in
            let index = state.nextIndex
            state.nextIndex += 1
            let key = request.streamKey(ignoring: behavior.config.streamKeyIgnoring)
            let slot =
                state.streams.index(forKey: key)
                ?? state.streams.updateValue(SeededGenerator(seed: behavior.config.seed ^ key), forKey: key, insertingAt: state.streams.count).index
            let plan = behavior.plan(request, index: index, using: &state.streams.values[slot])
            if state.streams.count > Self.streamLimit { state.streams.removeFirst() }
            state.stats.requests += 1
            if request.stream == true { state.stats.streamedRequests += 1 }
            if plan.isSummary { state.stats.summaryRequests += 1 }
            state.stats.promptTokens += plan.promptTokens
            if case .fail = plan.outcome {
                state.stats.injectedErrors += 1
            } else {
                state.stats.completionTokens += plan.tokens.count
                state.stats.toolCalls += plan.toolCalls.count
            }
            return (plan, state.requestWaiters.satisfied(by: state.stats.requests))
        }
        for waiter in arrived { waiter.resume() }
        return plan
    }

    func recordBusy(since start: ContinuousClock.Instant, for plan: ReplyPlan) {
        let elapsed = (ContinuousClock.now - start).seconds
        state.withLock { state in
            state.stats.busySeconds += elapsed
            if plan.isSummary { state.stats.summaryBusySeconds += elapsed }
        }
    }

    /// The server as a Hummingbird application; `onRunning` gets the bound port (useful with
    /// port 0). Run it with `run()` (until cancelled) or `runService()` (until SIGINT/SIGTERM);
    /// `withServer` does this for a scoped use.
    public func makeApplication(
        host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        simulatorApplication(
            router: makeRouter(), host: host, port: port, serverName: "hermes-llm-sim", logger: logger, onRunning: onRunning)
    }

    /// Starts the server on loopback, runs `body` with its base URL (`http://127.0.0.1:PORT/v1`),
    /// then stops the server.
    public func withServer<T: Sendable>(
        host: String = "127.0.0.1", port: Int = 0, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await withLoopbackServer(name: "LLM simulator") { onRunning in
            makeApplication(host: host, port: port, onRunning: onRunning)
        } _: { bound in
            try await body("http://\(host):\(bound)/v1")
        }
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        router.get("/v1/models") { _, _ in
            self.state.withLock { $0.stats.modelListRequests += 1 }
            let config = self.behavior.config
            guard config.modelListStatus == 200 else {
                return Self.errorResponse(status: config.modelListStatus, message: "simulated error", type: "server_error")
            }
            let window = config.contextLength.map { #","context_length":\#($0)"# } ?? ""
            return Self.jsonResponse(
                #"{"object":"list","data":[{"id":\#(jsonQuoted(config.model)),"object":"model","owned_by":"hermes-sim"\#(window)}]}"#
            )
        }
        router.get("/sim/stats") { _, _ in
            let data = try JSONEncoder().encode(self.stats())
            return Self.jsonResponse(String(decoding: data, as: UTF8.self))
        }
        router.get("/sim/requests") { _, _ in Self.jsonResponse(self.recentRequests()) }
        router.post("/v1/chat/completions") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 20)
            return await self.respond(to: body)
        }
        return router
    }

    private func respond(to body: ByteBuffer) async -> Response {
        let start = ContinuousClock.now
        let parsed: SimulatedRequest
        do {
            parsed = try JSONDecoder().decode(SimulatedRequest.self, from: body)
        } catch let error as DecodingError {
            return Self.errorResponse(
                status: 400, message: "invalid chat completion request: \(error.shortDescription)",
                type: "invalid_request_error")
        } catch {
            return Self.errorResponse(status: 400, message: "invalid request body", type: "invalid_request_error")
        }
        let plan = nextPlan(for: parsed)
        let sizes = RequestSizes(parsed, body: body)
        state.withLock { state in
            if state.recent.count == Self.recentLimit { state.recent.removeFirst() }
            state.recent.append(body)
            state.stats.systemPromptBytes += sizes.systemPrompt
            state.stats.toolSchemaBytes += sizes.toolSchemas
        }
        let id = "chatcmpl-sim-\(UInt32.random(in: 0...UInt32.max))"
        if case .fail(let rule) = plan.outcome, rule.kind == .status {
            recordBusy(since: start, for: plan)
            var response = Self.errorResponse(
                status: rule.status, message: "simulated error \(rule.status)",
                type: rule.status == 429 ? "rate_limit_error" : "server_error")
            if let wait = rule.retryAfter {
                response.headers[.retryAfter] = String(max(1, Int((wait.seconds).rounded(.up))))
                if let name = HTTPField.Name("retry-after-ms") { response.headers[name] = String(wait.milliseconds) }
            }
            return response
        }
        if parsed.stream == true {
            return streamingResponse(plan: plan, id: id, start: start)
        }
        return await plainResponse(plan: plan, id: id, start: start)
    }

    static func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func errorResponse(status: Int, message: String, type: String) -> Response {
        jsonResponse(
            #"{"error":{"message":\#(jsonQuoted(message)),"type":"\#(type)","code":\#(status)}}"#,
            status: HTTPResponse.Status(code: status)
        )
    }
}
