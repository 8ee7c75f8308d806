import Crypto
import Foundation
import HermesCore
import Synchronization
import Testing

@testable import HermesGateway

/// DM pairing in the Python project's files, on a clock the test moves.
@Suite("pairing")
struct PairingTests {
    /// Seconds since 1970 that the test sets.
    final class Time: Sendable {
        private let value = Mutex<Double>(1_800_000_000)
        var now: Double { value.withLock { $0 } }
        func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
    }

    private func withStore(_ body: (PairingStore, Time, String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "hermes-pairing-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let time = Time()
        try await body(PairingStore(directory: directory, now: { time.now }), time, directory)
    }

    @Test("a code is 8 characters of Python's alphabet, stored only as a salted hash, in 0600 files; approving it lets the user in")
    func codeAndApproval() async throws {
        try await withStore { store, _, directory in
            let code = try #require(try await store.perform { try $0.generateCode(platform: "telegram", user: "7", name: "Ada") })
            #expect(code.count == 8 && code.allSatisfy(PairingFiles.alphabet.contains))
            let pendingFile = directory + "/telegram-pending.json"
            let text = try String(contentsOfFile: pendingFile, encoding: .utf8)
            #expect(!text.contains(code), "the code itself is never written")
            let mode = try FileManager.default.attributesOfItem(atPath: pendingFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try await store.perform { try $0.isApproved(platform: "telegram", user: "7") } == false)
            let listed = try await store.perform { try $0.pending() }
            #expect(listed.map(\.userID) == ["7"] && listed.first?.code.count == 8)
            let result = try await store.perform { try $0.approve(platform: "telegram", code: code.lowercased()) }
            #expect(result == .approved(userID: "7", userName: "Ada"))
            #expect(try await store.perform { try $0.isApproved(platform: "telegram", user: "7") })
            #expect(try await store.perform { try $0.pending() }.isEmpty, "a code is used once")
            #expect(try await store.perform { try $0.revoke(platform: "telegram", user: "7") })
            #expect(try await store.perform { try $0.isApproved(platform: "telegram", user: "7") } == false)
        }
    }

    @Test("one code per user per 10 minutes, at most 3 waiting, each for an hour")
    func limits() async throws {
        try await withStore { store, time, _ in
            let ask: @Sendable (String) async throws -> String? = { user in
                try await store.perform { try $0.generateCode(platform: "telegram", user: user, name: "") }
            }
            var answers: [String?] = []
            for user in ["1", "1", "2", "3", "4"] { answers.append(try await ask(user)) }
            #expect(answers.map { $0 != nil } == [true, false, true, true, false], "rate limited, then three are waiting")
            time.advance(3601)
            let expired = try await store.perform { try $0.pending() }
            #expect(expired.isEmpty, "expired after an hour")
            let again = try await ask("4")
            #expect(again != nil)
        }
    }

    @Test("five wrong codes lock approvals out for an hour")
    func lockout() async throws {
        try await withStore { store, time, _ in
            let code = try #require(try await store.perform { try $0.generateCode(platform: "telegram", user: "9", name: "") })
            for _ in 0..<4 { #expect(try await store.perform { try $0.approve(platform: "telegram", code: "AAAAAAAA") } == .unknownCode) }
            #expect(try await store.perform { try $0.approve(platform: "telegram", code: "AAAAAAAA") } == .lockedOut(minutesLeft: 60))
            #expect(try await store.perform { try $0.approve(platform: "telegram", code: code) } == .lockedOut(minutesLeft: 60))
            time.advance(3000)
            #expect(try await store.perform { try $0.approve(platform: "telegram", code: code) } == .lockedOut(minutesLeft: 10))
            time.advance(601)
            let fresh = try #require(try await store.perform { try $0.generateCode(platform: "telegram", user: "9", name: "") })
            #expect(try await store.perform { try $0.approve(platform: "telegram", code: fresh) } == .approved(userID: "9", userName: ""))
        }
    }

    @Test("a code the Python project wrote is approved, and the approval is written as Python reads it")
    func pythonFiles() async throws {
        try await withStore { store, time, directory in
            let salt = Array("0123456789abcdef".utf8)
            let hash = SHA256.hash(data: salt + Array("K7MPQ2XZ".utf8)).map { String(format: "%02x", $0) }.joined()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let pending =
                #"{"a1b2c3d4e5f60718": {"hash": "\#(hash)", "salt": "\#(salt.hexEncoded)", "user_id": "42", "user_name": "Grace", "created_at": \#(time.now - 60.5)}}"#
            try pending.write(toFile: directory + "/telegram-pending.json", atomically: true, encoding: .utf8)
            #expect(try await store.perform { try $0.approve(platform: "telegram", code: "k7mpq2xz") } == .approved(userID: "42", userName: "Grace"))
            let approved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/telegram-approved.json")))
            let entry = try #require((approved as? [String: Any])?["42"] as? [String: Any])
            #expect(entry["user_name"] as? String == "Grace" && entry["approved_at"] is Double)
        }
    }

    @Test("who may talk: allow-all switches, allowlists, pairing, groups; pairing is offered only without an allowlist")
    func policy() {
        let dm = AccessPolicy.Sender(platform: "telegram", userID: "7", chatID: "7", chatType: "dm")
        let group = AccessPolicy.Sender(platform: "telegram", userID: "7", chatID: "-100", chatType: "group")
        let anonymous = AccessPolicy.Sender(platform: "telegram", userID: nil, chatID: "-100", chatType: "group")
        let closed = AccessPolicy()
        #expect(!closed.allows(dm, paired: false) && closed.allows(dm, paired: true))
        #expect(closed.offersPairing(on: "telegram"))
        #expect(AccessPolicy.fromEnvironment(["GATEWAY_ALLOW_ALL_USERS": "true"]).allows(dm, paired: false))
        #expect(AccessPolicy.fromEnvironment(["TELEGRAM_ALLOW_ALL_USERS": "1"]).allows(group, paired: false))
        #expect(!AccessPolicy.fromEnvironment(["TELEGRAM_ALLOW_ALL_USERS": "1"]).allows(anonymous, paired: false), "no sender, no entry")
        let listed = AccessPolicy.fromEnvironment(["TELEGRAM_ALLOWED_USERS": "5, 7", "GATEWAY_ALLOW_ALL_USERS": "true"])
        #expect(listed.allows(dm, paired: false))
        #expect(
            !listed.allows(AccessPolicy.Sender(platform: "telegram", userID: "8", chatID: "8", chatType: "dm"), paired: false),
            "an allowlist outranks the gateway's allow-all")
        #expect(!listed.offersPairing(on: "telegram"), "with an allowlist strangers get no answer")
        let groups = AccessPolicy.fromEnvironment(["TELEGRAM_GROUP_ALLOWED_CHATS": "-100"])
        #expect(groups.allows(anonymous, paired: false) && !groups.allows(dm, paired: false))
        #expect(AccessPolicy.fromEnvironment(["GATEWAY_ALLOWED_USERS": "*"]).allows(dm, paired: false))
    }
}
