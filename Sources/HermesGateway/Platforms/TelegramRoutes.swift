import AsyncHTTPClient
import Foundation
import HTTPTypes
import HermesAgent
import HermesCore
import HermesStore
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// `POST /webhook/telegram`: Telegram's webhook. The update is checked and answered at once;
/// its turn runs in the background and the reply is sent, then edited as tokens stream.
struct TelegramRoutes: Sendable {
    let settings: TelegramSettings
    let runner: TurnRunner
    let background: BackgroundTurns
    let maxBodyBytes: Int
    let seen: RecentIDs
    let client: TelegramClient
    let clock: any HermesClock
    let logger: Logger
    /// Hears what became of each accepted message.
    let report: @Sendable (PlatformDelivery) -> Void

    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    func register(on router: Router<BasicRequestContext>) {
        router.post("webhook/telegram") { request, _ in
            var request = request
            guard verified(request) else {
                throw OpenAIError(.unauthorized, "bad or missing X-Telegram-Bot-Api-Secret-Token", code: "invalid_secret_token")
            }
            let body = try await request.collectBody(upTo: maxBodyBytes)
            let update: TelegramUpdate
            do {
                update = try JSONDecoder().decode(TelegramUpdate.self, from: Data(buffer: body))
            } catch {
                throw OpenAIError(.badRequest, "not a Telegram update: \(error)")
            }
            return accept(update)
        }
    }

    private func verified(_ request: Request) -> Bool {
        guard let secret = settings.secretToken else { return true }
        return constantTimeEqual(Array((request.headers[Self.secretHeader] ?? "").utf8), Array(secret.utf8))
    }

    /// Admits the update's turn in arrival order and hands it to the background; 503 when the
    /// gateway is stopping (Telegram then retries, so nothing is lost).
    private func accept(_ update: TelegramUpdate) -> Response {
        let received = ContinuousClock.now
        guard let message = update.message, let text = message.text,
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { return Self.ok }
        let key = "telegram:\(update.updateID)"
        guard seen.insert(key) else { return Self.ok }
        let chat = message.chat.id
        let session = SessionID("telegram-\(chat)" + (message.threadID.map { "-\($0)" } ?? ""))
        let request = TurnRequest(
            session: NewSession(
                id: session, source: "telegram", userID: message.from.map { String($0.id) }, chatID: String(chat),
                chatType: message.chat.type, threadID: message.threadID.map(String.init)),
            text: text)
        let client = client
        let delivery = PlatformDelivery(
            platform: "telegram", updateID: update.updateID, session: session, received: received, firstShown: nil,
            replyReady: nil, finished: received, outcome: .busy)
        let job: BackgroundTurns.Job
        do throws(GatewayError) {
            let turn = try runner.admit(request)
            job = { await deliver(turn, to: message, client: client, delivery) }
        } catch  where error.code == .queueFull {
            job = {
                var delivery = delivery
                do {
                    _ = try await client.sendMessage(
                        chat: chat, text: "I'm still working on your earlier messages; send this again in a moment.",
                        thread: message.threadID, replyTo: message.messageID)
                    delivery.firstShown = .now
                } catch {
                    logger.warning("telegram busy reply failed", metadata: ["error": "\(error)"])
                    delivery.deliveryError = "\(error)"
                }
                delivery.finished = .now
                report(delivery)
            }
        } catch {
            seen.remove(key)
            return Self.unavailable
        }
        guard background.submit(job) else {
            seen.remove(key)
            return Self.unavailable
        }
        return Self.ok
    }

    /// Runs the turn and streams its reply into one message, edited at most once per `editInterval`.
    private func deliver(
        _ turn: AdmittedTurn, to message: TelegramUpdate.Message, client: TelegramClient, _ delivery: PlatformDelivery
    ) async {
        var delivery = delivery
        let reply = EditCoalescer(interval: settings.editInterval, clock: clock)
        let chat = message.chat.id
        async let delivered = reply.deliver(
            send: { text in
                try await client.sendMessage(chat: chat, text: text, thread: message.threadID, replyTo: message.messageID)
            },
            edit: { id, text in try await client.editMessageText(chat: chat, id: id, text: text) })
        do {
            let result = try await turn.run { event in
                if case .textDelta(let piece) = event { reply.append(piece) }
            }
            reply.finish(with: result.reply)
            delivery.outcome = .replied(result)
        } catch {
            logger.warning("telegram turn failed", metadata: ["hermes.session.id": "\(turn.request.session.id)", "error": "\(error)"])
            reply.finish(with: "Sorry, I could not finish that: \(error.message)")
            delivery.outcome = .turnFailed(message: error.message)
        }
        delivery.replyReady = .now
        do {
            delivery.firstShown = try await delivered.firstShown
        } catch {
            logger.warning("telegram delivery failed", metadata: ["chat": "\(chat)", "error": "\(error)"])
            delivery.deliveryError = "\(error)"
        }
        delivery.finished = .now
        report(delivery)
    }

    private static var ok: Response { OpenAIRoutes.json(#"{"ok":true}"#) }

    private static var unavailable: Response {
        OpenAIError(.serviceUnavailable, "the gateway is shutting down; retry later", type: "server_error").response
    }
}
