import HermesAgent
import HermesCore
import HermesStore
import HermesTools
import Logging
import ServiceLifecycle

/// Tells a chat session about its background processes after its turn, as Python's gateway does
/// (`_run_process_watcher`, `_inject_watch_notification`): each notification the process
/// registry queues (a `notify_on_complete` process that ended, a `watch_patterns` match, watching
/// given up) becomes a new turn of the session that started the process, whose message is
/// Python's `[IMPORTANT: …]` text. The turn takes its place behind the session's running and
/// waiting turns, and its reply goes to the session's chat as any reply does (streamed to a
/// Telegram chat; stored for a webhook, whose replies go nowhere else).
///
/// A completion is looked at when its turn comes, as Python's watcher looks after the turn that
/// started the process: if the agent has taken the result meanwhile (`process` wait, log or
/// kill), there is no turn, and the chat gets Python's plain "finished" message instead when
/// `mode` asks for it.
///
/// It awaits the registry's events (never polls) as a service of the gateway's application, so it
/// starts and stops with the server; the turns it admits are background jobs, which a graceful
/// shutdown waits for. A notification with no chat the gateway serves, or whose session's queue
/// is full, or that comes once the gateway is shutting down, is dropped and logged.
struct ProcessNotifier: Service {
    let processes: ProcessRegistry
    let runner: TurnRunner
    let background: BackgroundTurns
    let mode: BackgroundNotifications
    /// Masks secrets in the process output the turns and messages carry.
    let redactor: Redactor
    /// Telegram's delivery; nil when the gateway serves no Telegram bot.
    let telegram: TelegramReplyStream?
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for event in await processes.nextEvents() { admit(event) }
            }
        }
    }

    /// Takes the notification's place in its session's queue now, so that notifications keep
    /// their order, and leaves the turn to the background.
    private func admit(_ event: ProcessEvent) {
        let metadata: Logger.Metadata = ["hermes.session.id": "\(event.session)", "process": "\(event.processID)"]
        guard let chat = event.chat, chat.platform == "webhook" || (chat.platform == "telegram" && telegram != nil) else {
            logger.debug("process notification has no chat to go to", metadata: metadata)
            return
        }
        let request = TurnRequest(
            session: NewSession(id: event.session, source: chat.platform, chatID: chat.chatID, threadID: chat.threadID), text: "")
        do throws(GatewayError) {
            let turn = try runner.admit(request)
            guard background.submit({ await deliver(event, turn, to: chat) }) else {
                throw GatewayError(.shuttingDown, "the gateway is shutting down")
            }
        } catch {
            logger.warning("process notification dropped", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    private func deliver(_ event: ProcessEvent, _ turn: AdmittedTurn, to chat: ChatAddress) async {
        let revise: (TurnRequest) async -> TurnRequest? = { request in
            guard let text = await message(for: event, chat: chat) else { return nil }
            var request = request
            request.text = text
            return request
        }
        if chat.platform == "telegram", let telegram, let id = Int64(chat.chatID) {
            let streamed = await telegram.deliver(to: id, thread: chat.threadID.flatMap { Int($0) }, replyTo: nil) {
                onEvent throws(GatewayError) in
                try await turn.run(revising: revise, onEvent: onEvent)?.reply
            }
            if let error = streamed.error { failed(event, error) }
            if let error = streamed.deliveryError {
                logger.warning("telegram delivery failed", metadata: ["chat": "\(chat.chatID)", "error": "\(error)"])
            }
        } else {
            do {
                _ = try await turn.run(revising: revise)
            } catch {
                failed(event, error)
            }
        }
    }

    /// The turn's message, decided when the turn comes; nil for no turn, after sending the plain
    /// message of a completion the agent already took, when the mode asks for it.
    private func message(for event: ProcessEvent, chat: ChatAddress) async -> String? {
        guard event.kind == .completion else {
            // Python passes matched lines on as they are; they are redacted here as every other
            // piece of process output the model sees.
            var event = event
            event.output = event.output.isEmpty ? "" : redactor.redactOutput(event.output, of: event.command)
            event.command = redactor.redact(event.command, as: .code)
            return ProcessNotification.text(for: event)
        }
        switch processes.completionNotice(for: event.processID, redactor: redactor) {
        case .turn(let text):
            return text
        case .message(let text, let exitCode):
            if mode.sendsFinished(exitCode: exitCode) { await send(text, to: chat) }
            return nil
        case nil:
            return nil
        }
    }

    /// A message outside any turn, as Python's watcher sends it; a webhook's is logged, as
    /// Python's webhook adapter logs what it cannot deliver elsewhere.
    private func send(_ text: String, to chat: ChatAddress) async {
        guard chat.platform == "telegram", let telegram, let id = Int64(chat.chatID) else {
            logger.info("webhook process message", metadata: ["chat": "\(chat.chatID)", "text": "\(text.prefix(200))"])
            return
        }
        do {
            _ = try await telegram.client.sendMessage(chat: id, text: text, thread: chat.threadID.flatMap { Int($0) }, replyTo: nil)
        } catch {
            logger.warning("telegram process message failed", metadata: ["chat": "\(chat.chatID)", "error": "\(error)"])
        }
    }

    private func failed(_ event: ProcessEvent, _ error: GatewayError) {
        logger.warning(
            "process notification turn failed",
            metadata: ["hermes.session.id": "\(event.session)", "process": "\(event.processID)", "error": "\(error)"])
    }
}
