import Crypto
import Foundation
import HTTPTypes
import HermesAgent
import HermesCore
import HermesStore
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The OpenAI-compatible API of the Python project's API server: `POST /v1/chat/completions`
/// (streamed or not, session continuity through `X-Hermes-Session-Id`), `GET /v1/models`.
struct OpenAIRoutes: Sendable {
    let runner: TurnRunner
    let configuration: GatewayConfiguration
    let apiKey: APIServerKey

    static let sessionHeader = HTTPField.Name("X-Hermes-Session-Id")!
    static let serverTiming = HTTPField.Name("Server-Timing")!

    /// Where the turn's time went, in the standard `Server-Timing` form (milliseconds), so that a
    /// client or a load generator can separate the runtime's own cost from the model's and the tools'.
    /// A turn that compressed its history adds `compression;desc=OUTCOME;dur=…`.
    static func serverTiming(_ result: TurnResult) -> String {
        func ms(_ duration: Duration) -> String { String(format: "%.3f", duration.seconds * 1000) }
        var header = "turn;dur=\(ms(result.duration)), model;dur=\(ms(result.modelTime)), tools;dur=\(ms(result.toolTime))"
        if let compaction = result.compaction {
            header += ", compression;desc=\(compaction.outcome.rawValue);dur=\(ms(compaction.duration))"
        }
        return header
    }

    /// The longest session id accepted in the header, as in the Python server.
    static let maxSessionIDLength = 256

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group("v1").add(middleware: BearerAuthMiddleware(apiKey: apiKey))
        group.get("models") { _, _ in models() }
        group.post("chat/completions") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: configuration.maxBodyBytes)
            return try await chatCompletion(request, body: Data(buffer: body))
        }
    }

    private func models() -> Response {
        let name = jsonQuoted(configuration.advertisedModel)
        let now = Int(Date().timeIntervalSince1970)
        return Self.json(
            #"{"object":"list","data":[{"id":\#(name),"object":"model","created":\#(now),"owned_by":"hermes","permission":[],"root":\#(name),"parent":null}]}"#
        )
    }

    private func chatCompletion(_ request: Request, body data: Data) async throws -> Response {
        let body = try ChatCompletionBody(
            parsing: data, maxMessages: configuration.maxMessages, maxCharacters: configuration.maxRequestCharacters)
        let (session, continued) = try sessionID(for: request, body: body)
        let turnRequest = TurnRequest(
            session: NewSession(id: session, source: "api_server", model: body.model ?? configuration.advertisedModel),
            text: body.input, history: continued ? nil : body.history, instructions: body.instructions)
        let turn: AdmittedTurn
        do {
            turn = try runner.admit(turnRequest)
        } catch {
            throw OpenAIError(error, retryAfterSeconds: configuration.retryAfterSeconds)
        }
        let writer = CompletionWriter(
            model: body.model ?? configuration.advertisedModel, created: Int(Date().timeIntervalSince1970))
        if body.stream { return stream(turn, writer: writer) }
        do {
            let result = try await turn.run()
            var response = Self.json(writer.completion(result))
            response.headers[Self.sessionHeader] = session.rawValue
            response.headers[Self.serverTiming] = Self.serverTiming(result)
            return response
        } catch {
            var failure = OpenAIError(error, retryAfterSeconds: configuration.retryAfterSeconds)
            failure.headers[Self.sessionHeader] = session.rawValue
            throw failure
        }
    }

    /// The session of a request: the `X-Hermes-Session-Id` header (continued from the store), or,
    /// like the Python server, one derived from the system prompt and the first user message,
    /// with the history taken from the request.
    private func sessionID(for request: Request, body: ChatCompletionBody) throws(OpenAIError) -> (SessionID, Bool) {
        guard let header = request.headers[Self.sessionHeader]?.trimmingCharacters(in: .whitespaces), !header.isEmpty
        else {
            let seed = "\(body.instructions ?? "")\n\(body.firstUserText)"
            // The first 8 bytes give the 16 hex digits of the Python id.
            return (SessionID("api-" + SHA256.hash(data: Data(seed.utf8)).prefix(8).hexEncoded), false)
        }
        guard header.count <= Self.maxSessionIDLength else {
            throw OpenAIError(.badRequest, "Session ID too long (at most \(Self.maxSessionIDLength) characters)")
        }
        guard Self.isSafeSessionID(header) else {
            throw OpenAIError(.badRequest, "Invalid session ID: control characters, '..', '/' and '\\' are not allowed")
        }
        return (SessionID(header), true)
    }

    /// Refuses ids that could escape a directory when used in a file name, as the Python server does.
    static func isSafeSessionID(_ id: String) -> Bool {
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return false }
        if id.contains("..") || id.contains("/") || id.contains("\\") { return false }
        let scalars = Array(id.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return false }
        return true
    }

    /// Answers with server-sent events: the role chunk now, then text and tool progress as the
    /// turn produces them, then the finish chunk once the turn is stored.
    private func stream(_ turn: AdmittedTurn, writer: CompletionWriter) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache",
            HTTPField.Name("X-Accel-Buffering")!: "no", Self.sessionHeader: turn.request.session.id.rawValue,
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { body in
                try await body.write(ByteBuffer(string: writer.roleChunk))
                let (events, feed) = AsyncStream<StreamItem>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let outcome: Result<TurnResult, GatewayError>
                        do throws(GatewayError) {
                            outcome = .success(try await turn.run { feed.yield(.event($0)) })
                        } catch {
                            outcome = .failure(error)
                        }
                        feed.yield(.finished(outcome))
                        feed.finish()
                    }
                    for await item in events {
                        switch item {
                        case .event(.textDelta(let text)):
                            try await body.write(ByteBuffer(string: writer.contentChunk(text)))
                        case .event(let progress):
                            if let text = writer.toolProgress(progress) { try await body.write(ByteBuffer(string: text)) }
                        case .finished(let outcome):
                            try await body.write(ByteBuffer(string: writer.finish(outcome)))
                        }
                    }
                    try await group.waitForAll()
                }
                try await body.finish(nil)
            })
    }

    private enum StreamItem: Sendable {
        case event(AgentEvent)
        case finished(Result<TurnResult, GatewayError>)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Requires `Authorization: Bearer <API_SERVER_KEY>`, compared in constant time; answers 401
/// `invalid_api_key` otherwise, as the Python server does.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: APIServerKey

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), apiKey.matches(header.dropFirst(7).trimmingCharacters(in: .whitespaces)) else {
            throw OpenAIError(.unauthorized, "Invalid API key", code: "invalid_api_key")
        }
        return try await next(request, context)
    }
}
