import HermesAgent
import HermesCore
import HermesGateway
import NIOCore
import NIOHTTP1
import Synchronization

/// The in-process gateway's Telegram webhook: each message is posted as a Telegram update from
/// its session's chat. The webhook's 200 comes before the turn even starts, so a turn counts as
/// done when the gateway reports its reply fully delivered to the platform simulator
/// (`Gateway(onDelivery:)` feeds a `DeliveryWaiters`).
///
/// Figures: `ttft` is the first text reaching the platform; `delivery` the tail from the turn's
/// end to its last platform call (the edit rate limit and the platform's answer time), which
/// `overhead` leaves out along with model and tool time.
final class TelegramTarget: BenchTarget {
    /// The webhook secret the bench's gateway is configured with.
    static let secret = "hermes-bench-secret"

    private let client: LoadClient
    private let head: HTTPRequestHead
    private let timeout: Duration
    private let deliveries: DeliveryWaiters
    private let nextUpdate = Atomic<Int64>(1)
    private let chats = Mutex<[String: Int64]>([:])

    /// A target posting to the gateway at `gatewayURL`, whose `onDelivery` feeds `deliveries`.
    init(client: LoadClient, deliveries: DeliveryWaiters, timeout: Duration = .seconds(120)) {
        self.client = client
        head = client.head(
            .POST, "/webhook/telegram",
            headers: [("Content-Type", "application/json"), ("X-Telegram-Bot-Api-Secret-Token", Self.secret)])
        self.deliveries = deliveries
        self.timeout = timeout
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        let update = nextUpdate.wrappingAdd(1, ordering: .relaxed).oldValue
        let chat = chatID(for: request.session)
        let body =
            #"{"update_id":\#(update),"message":{"message_id":\#(update),"date":0,"chat":{"id":\#(chat),"type":"private"},"from":{"id":\#(chat),"is_bot":false,"first_name":"bench"},"text":\#(jsonQuoted(request.text))}}"#
        let sent = ContinuousClock.now
        do {
            let response = try await client.execute(head, body: ByteBuffer(string: body), stream: false)
            guard response.status == 200 else {
                return response.status == 503 ? .rejected : .failed(kind: "http_\(response.status)")
            }
        } catch {
            return .failed(kind: error == .timeout ? "timeout" : "connection")
        }
        guard let delivery = await deliveries.wait(for: update, timeout: timeout) else { return .failed(kind: "timeout") }
        if delivery.deliveryError != nil { return .failed(kind: "delivery") }
        switch delivery.outcome {
        case .busy:
            return .rejected
        case .turnFailed:
            return .failed(kind: "agent_error")
        case .replied(let result):
            return .completed(
                TurnTimings(
                    timeToFirstToken: delivery.firstShown.map { $0 - sent }, model: result.modelTime, tools: result.toolTime,
                    toolCalls: result.toolRuns.map { ($0.call.name, $0.duration) },
                    delivery: delivery.replyReady.map { delivery.finished - $0 }))
        }
    }

    /// One chat per session, numbered in order of first use.
    private func chatID(for session: String) -> Int64 {
        chats.withLock { chats in
            if let id = chats[session] { return id }
            let id = Int64(1_000 + chats.count)
            chats[session] = id
            return id
        }
    }
}
