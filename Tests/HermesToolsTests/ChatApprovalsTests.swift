import HermesTesting
import HermesTools
import Synchronization
import Testing

@Suite("Chat approvals")
struct ChatApprovalsTests {
    let chat = ChatAddress(platform: "telegram", chatID: "7")
    let request = ApprovalRequest(command: "git reset --hard", description: "git reset --hard (destroys uncommitted changes)")

    /// The prompts a hub sent.
    final class Prompts: Sendable {
        private let texts = Mutex<[String]>([])
        var all: [String] { texts.withLock { $0 } }
        func append(_ text: String) { texts.withLock { $0.append(text) } }
    }

    /// A hub whose telegram prompts are recorded, each arrival marked on `sent`.
    private func hub(clock: ManualClock = ManualClock(), sent: Gate, prompts: Prompts = Prompts()) -> ChatApprovals {
        let approvals = ChatApprovals(timeout: .seconds(60), clock: clock)
        approvals.register(platform: "telegram") { _, text in
            prompts.append(text)
            sent.arrive()
        }
        return approvals
    }

    @Test("the prompt is Python's text fallback; /approve resolves the oldest waiting command, /approve all the rest")
    func oldestFirst() async {
        let sent = Gate()
        let prompts = Prompts()
        let approvals = hub(sent: sent, prompts: prompts)
        async let first = approvals.ask(session: "s", in: chat, request)
        await sent.waitForArrivals(1)
        async let second = approvals.ask(session: "s", in: chat, request)
        async let third = approvals.ask(session: "s", in: chat, request)
        await sent.waitForArrivals(3)
        #expect(approvals.resolve(session: "other", choice: .once) == 0, "another session has nothing waiting")
        #expect(approvals.resolve(session: "s", choice: .session) == 1)
        #expect(await first == .approved(.session))
        #expect(approvals.resolve(session: "s", choice: .deny, all: true, reason: "not now") == 2)
        #expect(await second == .denied(reason: "not now"))
        #expect(await third == .denied(reason: "not now"))
        #expect(!approvals.isWaiting(session: "s"))
        let prompt = prompts.all[0]
        #expect(prompt.hasPrefix("⚠️ **Dangerous command requires approval:**\n```\ngit reset --hard\n```\nReason: git reset --hard"))
        #expect(
            prompt.hasSuffix(
                "Reply `/approve` to execute this one operation, `/approve session` to approve this pattern for the session, `/approve always` to approve permanently, or `/deny` to cancel."
            ))
    }

    @Test("with no answer within the timeout the command is refused: silence is not consent")
    func timeout() async {
        let clock = ManualClock()
        let sent = Gate()
        let approvals = hub(clock: clock, sent: sent)
        async let verdict = approvals.ask(session: "s", in: chat, request)
        await sent.waitForArrivals(1)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(59))
        #expect(approvals.isWaiting(session: "s"), "still waiting a second before the timeout")
        clock.advance(by: .seconds(1))
        #expect(await verdict == .timedOut)
        #expect(approvals.resolve(session: "s", choice: .once) == 0, "a late /approve finds nothing")
    }

    @Test("a turn cancelled while its command waits gets a denial; unregistering the platform denies what waits there")
    func cancelledAndUnregistered() async {
        let sent = Gate()
        let approvals = hub(sent: sent)
        let waiting = Task { await approvals.ask(session: "s", in: chat, request) }
        await sent.waitForArrivals(1)
        waiting.cancel()
        #expect(await waiting.value == .denied(reason: nil))

        async let stopped = approvals.ask(session: "t", in: chat, request)
        await sent.waitForArrivals(2)
        approvals.unregister(platform: "telegram")
        #expect(await stopped == .denied(reason: nil))
        #expect(await approvals.ask(session: "t", in: chat, request) == .noChat, "no sender any more")
    }

    @Test("a platform with no sender has no chat to ask; a prompt that cannot be sent is unreachable")
    func noChatAndUnreachable() async {
        let approvals = ChatApprovals(clock: ManualClock())
        #expect(await approvals.ask(session: "s", in: ChatAddress(platform: "api_server", chatID: ""), request) == .noChat)
        struct Down: Error {}
        approvals.register(platform: "telegram") { _, _ in throw Down() }
        #expect(await approvals.ask(session: "s", in: chat, request) == .unreachable)
        #expect(!approvals.isWaiting(session: "s"))
    }

    @Test("what the agent is told for each answer, in Python's words; approved for the session, the kind runs unasked")
    func decisions() async {
        let guardian = CommandGuard(home: "/home/u", hermesHome: "/home/u/.hermes")
        func refusal(_ verdict: ChatVerdict) async -> String {
            guard case .refuse(let text) = await Approvals(approver: .chat { _ in verdict }, guard: guardian).review("git reset --hard")
            else { return "ran" }
            return text
        }
        #expect(await refusal(.denied(reason: nil)).contains("BLOCKED: Command denied by user. The user has NOT consented"))
        #expect(await refusal(.denied(reason: "wrong repo")).contains(#"Reason given by the user: \"wrong repo\"."#))
        let silence = await refusal(.timedOut)
        #expect(silence.contains("timed out without user response.") && silence.contains("Silence is not consent."))
        #expect(await refusal(.unreachable).contains("Failed to send approval request to user"))
        #expect(await refusal(.noChat).contains("Asking the user for approval"))
        let asked = Counter()
        let approvals = Approvals(
            approver: .chat { _ in
                asked.increment()
                return .approved(.session)
            }, guard: guardian)
        #expect(await approvals.review("git reset --hard") == .run)
        #expect(await approvals.review("git reset --hard HEAD~1") == .run)
        #expect(asked.value == 1)
        #expect(await Approvals(approver: .chat { _ in .approved(.once) }, guard: guardian).review("git reset --hard") == .run)
    }

    @Test("approved always, the kind joins the shared allowlist and is saved; every session then runs it unasked")
    func always() async {
        let guardian = CommandGuard(home: "/home/u", hermesHome: "/home/u/.hermes")
        let saved = Prompts()
        let allowlist = CommandAllowlist { kinds in saved.append(kinds.sorted().joined(separator: ",")) }
        let first = Approvals(approver: .chat { _ in .approved(.always) }, guard: guardian, allowlist: allowlist)
        #expect(await first.review("git reset --hard") == .run)
        let kind = allowlist.all.first ?? ""
        #expect(allowlist.all.count == 1 && saved.all == [kind], "saved once, with the whole list")
        let asked = Counter()
        let other = Approvals(
            approver: .ask { _ in
                asked.increment()
                return .deny
            }, guard: guardian, allowlist: allowlist)
        #expect(await other.review("git reset --hard HEAD") == .run)
        #expect(asked.value == 0, "another session is not asked")
        #expect(await other.review("chmod 777 x") != .run, "other kinds still are")
        #expect(saved.all.count == 1, "nothing new to save")
    }
}
