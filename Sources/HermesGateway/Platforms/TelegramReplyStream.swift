import HermesAgent
import HermesCore

/// Streams a turn's reply into a Telegram chat: sent as soon as the model writes, edited at
/// most once per `interval` (`EditCoalescer`), ending as the turn's final reply, or as an
/// apology when the turn failed. The one delivery of both a chat message's turn and a process
/// notification's turn.
struct TelegramReplyStream: Sendable {
    let client: TelegramClient
    let interval: Duration
    let clock: any HermesClock

    /// What a delivery came to.
    struct Report: Sendable {
        /// Why the turn failed, when it did.
        var error: GatewayError?
        /// When the turn's reply was complete.
        var replyReady: ContinuousClock.Instant
        /// When the first text reached the chat.
        var firstShown: ContinuousClock.Instant?
        /// Why the chat did not get the (whole) reply, when it did not.
        var deliveryError: String?
    }

    /// Runs `turn`, which streams through the handler it is given and returns the final reply
    /// (nil: nothing more to show), while the reply goes to `chat`.
    func deliver(
        to chat: Int64, thread: Int?, replyTo: Int?, _ turn: (@escaping AgentEventHandler) async throws(GatewayError) -> String?
    ) async -> Report {
        let reply = EditCoalescer(interval: interval, clock: clock)
        let client = client
        async let delivered = reply.deliver(
            send: { text in try await client.sendMessage(chat: chat, text: text, thread: thread, replyTo: replyTo) },
            edit: { id, text in try await client.editMessageText(chat: chat, id: id, text: text) })
        var error: GatewayError?
        do throws(GatewayError) {
            let final = try await turn { event in
                if case .textDelta(let piece) = event { reply.append(piece) }
            }
            reply.finish(with: final)
        } catch let failure {
            error = failure
            reply.finish(with: "Sorry, I could not finish that: \(failure.message)")
        }
        var report = Report(error: error, replyReady: .now)
        do {
            report.firstShown = try await delivered.firstShown
        } catch {
            report.deliveryError = "\(error)"
        }
        return report
    }
}
