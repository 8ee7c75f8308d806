import Foundation
import HTTPTypes
import HermesCore
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import Synchronization

/// One Bot API call the platform simulator received.
public struct PlatformCall: Sendable, Hashable, Codable {
    /// `sendMessage` or `editMessageText`.
    public var method: String
    /// The bot token from the path.
    public var token: String
    /// The chat it was for.
    public var chatID: Int64
    /// The message sent (its new id) or edited.
    public var messageID: Int
    /// The text.
    public var text: String
    /// Seconds since the simulator started.
    public var at: Double

    enum CodingKeys: String, CodingKey {
        case method, token, text, at
        case chatID = "chat_id"
        case messageID = "message_id"
    }
}

/// A chat platform's Bot API (Telegram-shaped) on loopback: `POST /bot<token>/sendMessage` and
/// `/bot<token>/editMessageText` are answered as Telegram answers them (an edit that changes
/// nothing, or of an unknown message, is a 400) and recorded; `GET /sim/calls` lists the calls.
public final class PlatformSimulator: Sendable {
    private let delay: Duration
    private let started = ContinuousClock.now
    private let state = Mutex(State())
    private let logger: Logger

    private struct State {
        var calls: [PlatformCall] = []
        var nextMessageID: [Int64: Int] = [:]
        var texts: [String: String] = [:]
        var callWaiters = CountWaiters()
    }

    private struct SendBody: Decodable {
        var chatID: Int64
        var text: String
        var messageID: Int?
        enum CodingKeys: String, CodingKey {
            case text
            case chatID = "chat_id"
            case messageID = "message_id"
        }
    }

    /// Makes a simulator that answers each call after `delay`.
    public init(delay: Duration = .zero, logger: Logger? = nil) {
        self.delay = delay
        var logger = logger ?? Logger(label: "hermes.sim.platform")
        if logger.logLevel < .critical { logger.logLevel = .critical }
        self.logger = logger
    }

    /// The calls so far, in the order they were answered.
    public func calls() -> [PlatformCall] { state.withLock { $0.calls } }

    /// Returns once `count` calls have been answered, so a test waits for a delivery step itself.
    public func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { $0.callWaiters.add(continuation, for: count, current: $0.calls.count) }
            if !waiting { continuation.resume() }
        }
    }

    /// The server as a Hummingbird application; `onRunning` gets the bound port.
    public func makeApplication(
        host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        simulatorApplication(
            router: makeRouter(), host: host, port: port, serverName: "hermes-platform-sim", logger: logger, onRunning: onRunning)
    }

    /// Starts the server on loopback, runs `body` with its base URL (`http://127.0.0.1:PORT`),
    /// then stops it.
    public func withServer<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        try await withLoopbackServer(name: "platform simulator") { onRunning in
            makeApplication(onRunning: onRunning)
        } _: { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/sim/calls") { _, _ in
            let data = try JSONEncoder().encode(self.calls())
            return Self.json(String(decoding: data, as: UTF8.self))
        }
        router.post("/:bot/:method") { request, context in
            var request = request
            let bot = context.parameters.get("bot") ?? ""
            let method = context.parameters.get("method") ?? ""
            guard bot.hasPrefix("bot"), ["sendMessage", "editMessageText"].contains(method) else {
                return Self.failure(404, "Not Found: method not found")
            }
            let body = try await request.collectBody(upTo: 1 << 20)
            guard let call = try? JSONDecoder().decode(SendBody.self, from: Data(buffer: body)) else {
                return Self.failure(400, "Bad Request: chat_id and text are required")
            }
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            return self.answer(method, token: String(bot.dropFirst(3)), call)
        }
        return router
    }

    private func answer(_ method: String, token: String, _ call: SendBody) -> Response {
        let at = (ContinuousClock.now - started).seconds
        let (outcome, answered) = state.withLock { state -> (Result<Int, SimulatorError>, [CheckedContinuation<Void, Never>]) in
            let id: Int
            if method == "sendMessage" {
                id = state.nextMessageID[call.chatID, default: 1]
                state.nextMessageID[call.chatID] = id + 1
            } else {
                guard let edited = call.messageID, let old = state.texts["\(call.chatID)/\(edited)"] else {
                    return (.failure(SimulatorError("Bad Request: message to edit not found")), [])
                }
                guard old != call.text else {
                    return (
                        .failure(
                            SimulatorError("Bad Request: message is not modified: specified new message content is exactly the same")),
                        []
                    )
                }
                id = edited
            }
            state.texts["\(call.chatID)/\(id)"] = call.text
            state.calls.append(
                PlatformCall(method: method, token: token, chatID: call.chatID, messageID: id, text: call.text, at: at))
            return (.success(id), state.callWaiters.satisfied(by: state.calls.count))
        }
        for waiter in answered { waiter.resume() }
        switch outcome {
        case .success(let id):
            return Self.json(
                #"{"ok":true,"result":{"message_id":\#(id),"chat":{"id":\#(call.chatID)},"text":\#(jsonQuoted(call.text))}}"#)
        case .failure(let error):
            return Self.failure(400, error.message)
        }
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func failure(_ code: Int, _ description: String) -> Response {
        json(
            #"{"ok":false,"error_code":\#(code),"description":\#(jsonQuoted(description))}"#,
            status: HTTPResponse.Status(code: code))
    }
}
