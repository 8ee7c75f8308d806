import HermesTesting
import HermesTools
import Testing

@testable import HermesGateway

@Suite("/approve and /deny")
struct ApprovalCommandTests {
    @Test("read as the Python gateway reads them")
    func parsing() {
        #expect(ApprovalCommand("/approve") == ApprovalCommand(choice: .once, all: false, reason: nil))
        #expect(ApprovalCommand("  /APPROVE all session ") == ApprovalCommand(choice: .session, all: true, reason: nil))
        #expect(ApprovalCommand("/approve@hermes_bot ses") == ApprovalCommand(choice: .session, all: false, reason: nil))
        #expect(ApprovalCommand("/approve always") == ApprovalCommand(choice: .always, all: false, reason: nil))
        #expect(ApprovalCommand("/approve all permanently")?.choice == .always)
        #expect(ApprovalCommand("/deny") == ApprovalCommand(choice: .deny, all: false, reason: nil))
        #expect(ApprovalCommand("/deny all  wrong repo ") == ApprovalCommand(choice: .deny, all: true, reason: "wrong repo"))
        #expect(ApprovalCommand("/deny Allow me to explain")?.all == false, "only a first word 'all' means all")
        #expect(ApprovalCommand("/deny " + String(repeating: "x", count: 400))?.reason?.count == 280)
        #expect(ApprovalCommand("please /approve") == nil && ApprovalCommand("/approved") == nil && ApprovalCommand("") == nil)
    }

    @Test("the chat is told what happened, in Python's words")
    func replies() async {
        let approvals = ChatApprovals(clock: ManualClock())
        #expect(ApprovalCommand("/approve")!.apply(to: approvals, session: "s") == "No pending command to approve.")
        #expect(ApprovalCommand("/deny")!.apply(to: approvals, session: "s") == "No pending command to deny.")
        let sent = Gate()
        approvals.register(platform: "telegram") { _, _ in sent.arrive() }
        let chat = ChatAddress(platform: "telegram", chatID: "7")
        let request = ApprovalRequest(command: "chmod 777 x", description: "world-writable permissions")
        async let first = approvals.ask(session: "s", in: chat, request)
        async let second = approvals.ask(session: "s", in: chat, request)
        async let third = approvals.ask(session: "s", in: chat, request)
        await sent.waitForArrivals(3)
        #expect(
            ApprovalCommand("/approve always")!.apply(to: approvals, session: "s")
                == "✅ Command approved (pattern approved permanently). The agent is resuming...")
        #expect(
            ApprovalCommand("/approve session")!.apply(to: approvals, session: "s")
                == "✅ Command approved (pattern approved for this session). The agent is resuming...")
        #expect(
            ApprovalCommand("/deny all because")!.apply(to: approvals, session: "s")
                == #"❌ Command denied. Reason relayed to the agent: "because""#)
        let answers = [await first, await second, await third]
        #expect(answers.filter { $0 == .approved(.always) }.count == 1)
        #expect(answers.filter { $0 == .approved(.session) }.count == 1)
        #expect(answers.filter { $0 == .denied(reason: "because") }.count == 1)
    }
}
