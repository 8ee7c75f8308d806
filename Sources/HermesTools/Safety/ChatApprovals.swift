import HermesCore
import Synchronization

/// Where a session talks: the platform and chat a prompt is sent to.
public struct ChatAddress: Sendable, Hashable {
    public var platform: String
    public var chatID: String
    /// The topic or thread within the chat, when there is one.
    public var threadID: String?

    /// Makes an address.
    public init(platform: String, chatID: String, threadID: String? = nil) {
        self.platform = platform
        self.chatID = chatID
        self.threadID = threadID
    }
}

/// What became of a dangerous command put to the people of a chat.
public enum ChatVerdict: Sendable, Hashable {
    /// `/approve` (once), `/approve session` or `/approve always`.
    case approved(ApprovalChoice)
    /// `/deny`, with the reason the user gave, if any; also what a turn that ends while its
    /// command waits gets.
    case denied(reason: String?)
    /// Nobody answered within the timeout: silence is not consent.
    case timedOut
    /// The prompt could not be sent.
    case unreachable
    /// The session's platform has no chat to ask in (the API server, a webhook).
    case noChat
}

/// Dangerous commands waiting for an answer in a chat, as the Python gateway keeps them
/// (`tools/approval.py`, the blocking gateway approval): the command's turn waits while the
/// prompt is sent to its chat; `/approve` or `/deny` from the chat resolves the oldest waiting
/// command (or, with `all`, every one); after `timeout` with no answer it is refused.
///
/// A platform that can ask registers how to send the prompt (`register(platform:send:)`); turns
/// of other platforms get `.noChat` at once.
public final class ChatApprovals: Sendable {
    /// Sends the approval prompt `text` to `chat`.
    public typealias Send = @Sendable (_ chat: ChatAddress, _ text: String) async throws -> Void

    private struct Waiter {
        let id: UInt64
        let platform: String
        let continuation: CheckedContinuation<ChatVerdict, Never>
    }

    private struct State {
        var senders: [String: Send] = [:]
        var waiting: [String: [Waiter]] = [:]
        var nextID: UInt64 = 0
    }

    /// How long a command waits for an answer (Python's `approvals.timeout`, 60 s).
    public let timeout: Duration
    private let clock: any HermesClock
    private let state = Mutex(State())

    /// A hub whose commands wait up to `timeout` on `clock`.
    public init(timeout: Duration = .seconds(60), clock: any HermesClock = ContinuousClock()) {
        self.timeout = timeout
        self.clock = clock
    }

    /// Sends the prompts of `platform`'s sessions with `send` from now on.
    public func register(platform: String, send: @escaping Send) {
        state.withLock { $0.senders[platform] = send }
    }

    /// Stops asking in `platform`'s chats; commands still waiting there are denied.
    public func unregister(platform: String) {
        let denied = state.withLock { state -> [Waiter] in
            state.senders[platform] = nil
            var denied: [Waiter] = []
            for (session, queue) in state.waiting {
                denied += queue.filter { $0.platform == platform }
                let kept = queue.filter { $0.platform != platform }
                state.waiting[session] = kept.isEmpty ? nil : kept
            }
            return denied
        }
        for waiter in denied { waiter.continuation.resume(returning: .denied(reason: nil)) }
    }

    /// Asks the chat of `session` about `request` and waits for the answer, the timeout, or the
    /// task's cancellation (a denial).
    public func ask(session: String, in chat: ChatAddress, _ request: ApprovalRequest) async -> ChatVerdict {
        guard let send = state.withLock({ $0.senders[chat.platform] }) else { return .noChat }
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let prompt = Self.prompt(for: request)
        return await withTaskGroup(of: Void.self) { group in
            // The waiter is queued before the prompt goes out, so an answer that comes back at
            // once finds it.
            let verdict = await withCheckedContinuation { continuation in
                state.withLock { $0.waiting[session, default: []].append(Waiter(id: id, platform: chat.platform, continuation: continuation)) }
                group.addTask {
                    do {
                        try await send(chat, prompt)
                    } catch {
                        self.finish(session: session, id: id, with: .unreachable)
                        return
                    }
                    do {
                        try await self.clock.sleep(for: self.timeout)
                        self.finish(session: session, id: id, with: .timedOut)
                    } catch {
                        self.finish(session: session, id: id, with: .denied(reason: nil))
                    }
                }
            }
            group.cancelAll()
            return verdict
        }
    }

    /// Answers the oldest command waiting in `session` (every one, with `all`): a `.deny` choice
    /// denies with `reason`. Returns how many were answered; 0 when none was waiting.
    @discardableResult
    public func resolve(session: String, choice: ApprovalChoice, all: Bool = false, reason: String? = nil) -> Int {
        let answered = state.withLock { state -> [Waiter] in
            guard var queue = state.waiting[session], !queue.isEmpty else { return [] }
            let taken = all ? queue : [queue.removeFirst()]
            if all { queue.removeAll() }
            state.waiting[session] = queue.isEmpty ? nil : queue
            return taken
        }
        let verdict: ChatVerdict = choice == .deny ? .denied(reason: reason) : .approved(choice)
        for waiter in answered { waiter.continuation.resume(returning: verdict) }
        return answered.count
    }

    /// Whether a command of `session` is waiting for an answer.
    public func isWaiting(session: String) -> Bool {
        state.withLock { !($0.waiting[session] ?? []).isEmpty }
    }

    /// Resumes waiter `id` with `verdict`, unless it was answered already.
    private func finish(session: String, id: UInt64, with verdict: ChatVerdict) {
        let waiter = state.withLock { state -> Waiter? in
            guard var queue = state.waiting[session], let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = queue.remove(at: index)
            state.waiting[session] = queue.isEmpty ? nil : queue
            return waiter
        }
        waiter?.continuation.resume(returning: verdict)
    }

    /// The Python gateway's text prompt (`_format_exec_approval_fallback`).
    static func prompt(for request: ApprovalRequest) -> String {
        let command = request.command.count > 200 ? request.command.prefix(200) + "..." : request.command
        return """
            ⚠️ **Dangerous command requires approval:**
            ```
            \(command)
            ```
            Reason: \(request.description)

            Reply `/approve` to execute this one operation, `/approve session` to approve this pattern for the session, `/approve always` to approve permanently, or `/deny` to cancel.
            """
    }
}
