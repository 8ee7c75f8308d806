import Foundation
import HermesCore
import HermesStore
import Testing

@Suite("Session store: writes and reads", .timeLimit(.minutes(1)))
struct SessionStoreTests {
    static let call = ToolCall(id: "call_1", name: "read_file", arguments: #"{"path":"a.txt"}"#)

    @Test("a read ends its snapshot: the next read on the same connection sees later commits")
    func readsDoNotKeepOldSnapshots() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteSessionStore.open(at: directory + "/state.db", configuration: StoreConfiguration(readers: 1))
            let id = SessionID("snapshot")
            try await store.createSession(NewSession(id: id, source: "cli"))
            // One row stepped, not run to the end: the statement must not keep its read transaction.
            #expect(try await store.session(id) != nil)
            try await store.append([.user("after the read")], to: id)
            #expect(try await store.history(of: id) == [.user("after the read")])
            await store.close()
        }
    }

    @Test("a turn's messages come back in order, with tool calls, and the session row counts them")
    func roundTrip() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                let id = SessionID("20261125_120000_abc123")
                try await store.createSession(NewSession(id: id, source: "cli", model: "sim-1", systemPrompt: "be brief"))
                let turn: [Message] = [
                    .user("what is in a.txt?"),
                    .assistant(nil, toolCalls: [Self.call]),
                    .tool(callID: "call_1", name: "read_file", content: "hello"),
                    .assistant("It says hello."),
                ]
                let ids = try await store.append(turn, to: id, usage: SessionUsage(inputTokens: 120, outputTokens: 30, apiCalls: 2))
                #expect(ids.count == 4)
                #expect(ids == ids.sorted())
                #expect(try await store.history(of: id) == turn)

                let record = try #require(try await store.session(id))
                #expect(record.source == "cli")
                #expect(record.model == "sim-1")
                #expect(record.messageCount == 4)
                #expect(record.toolCallCount == 1)
                #expect(record.inputTokens == 120)
                #expect(record.outputTokens == 30)
                #expect(record.apiCallCount == 2)
                #expect(record.preview == "what is in a.txt?")
                #expect(record.endedAt == nil)

                try await store.endSession(id, reason: "user_exit")
                try await store.endSession(id, reason: "later")
                let ended = try #require(try await store.session(id))
                #expect(ended.endReason == "user_exit")
                #expect(ended.endedAt != nil)
            }
        }
    }

    @Test("history pages in insertion order")
    func paging() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                let id = SessionID("paged")
                try await store.createSession(NewSession(id: id, source: "api"))
                for index in 0..<25 { try await store.append([.user("message \(index)")], to: id) }
                let page = try await store.messages(in: id, offset: 10, limit: 5, includeInactive: false)
                #expect(page.map(\.content) == (10..<15).map { "message \($0)" })
                let rest = try await store.messages(in: id, offset: 20, limit: nil, includeInactive: false)
                #expect(rest.count == 5)
            }
        }
    }

    @Test("a write for an unknown session fails alone; the others of its batch commit")
    func failingWriteIsIsolated() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = StoreConfiguration(maxBatchDelay: .milliseconds(20))
            try await withSessionStore(at: directory + "/state.db", configuration: configuration) { store in
                let known = SessionID("known")
                try await store.createSession(NewSession(id: known, source: "api"))
                let results = await withTaskGroup(of: (Int, Result<[Int64], any Error>).self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            let target = index == 4 ? SessionID("missing") : known
                            do { return (index, .success(try await store.append([.user("m\(index)")], to: target))) } catch {
                                return (index, .failure(error))
                            }
                        }
                    }
                    return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                for (index, result) in results {
                    switch result {
                    case .success: #expect(index != 4)
                    case .failure(let error):
                        #expect(index == 4)
                        let storeError = try #require(error as? StoreError)
                        #expect(storeError.code == .constraint)
                    }
                }
                #expect(try await store.history(of: known).count == 9)
                #expect(store.statistics.largestBatch > 1, "the 20 ms batch delay groups the ten writes")
            }
        }
    }

    @Test("64 concurrent writers: every write lands, each session in its own order, in shared transactions")
    func groupCommit() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                let sessions = (0..<64).map { SessionID("s\($0)") }
                for id in sessions { try await store.createSession(NewSession(id: id, source: "bench")) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for id in sessions {
                        group.addTask {
                            for index in 0..<40 { try await store.append([.user("\(id) \(index)")], to: id) }
                        }
                    }
                    try await group.waitForAll()
                }
                for id in sessions {
                    let history = try await store.history(of: id)
                    #expect(history.map(\.content) == (0..<40).map { "\(id) \($0)" })
                }
                let statistics = store.statistics
                #expect(statistics.messages == 64 * 40)
                #expect(statistics.commits < statistics.writes, "writes share transactions")
            }
        }
    }

    @Test("a second create fills only unknown fields; sessions list newest first and filter by source")
    func sessionsList() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                try await store.createSession(NewSession(id: SessionID("a"), source: "cli", startedAt: 100))
                try await store.createSession(NewSession(id: SessionID("b"), source: "telegram", startedAt: 200))
                try await store.createSession(NewSession(id: SessionID("c"), source: "cli", startedAt: 300))
                try await store.createSession(NewSession(id: SessionID("a"), source: "other", model: "m2"))
                let all = try await store.sessions(SessionListQuery())
                #expect(all.map(\.id.rawValue) == ["c", "b", "a"])
                let cli = try await store.sessions(SessionListQuery(sources: ["cli"]))
                #expect(cli.map(\.id.rawValue) == ["c", "a"])
                let a = try #require(all.last)
                #expect(a.source == "cli")
                #expect(a.model == "m2")
                #expect(try await store.sessionIDs(withPrefix: "b") == [SessionID("b")])
            }
        }
    }

    @Test("writes after close fail with a clear error")
    func closed() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteSessionStore.open(at: directory + "/state.db")
            await store.close()
            await #expect(throws: StoreError.self) {
                try await store.createSession(NewSession(id: SessionID("x"), source: "cli"))
            }
        }
    }
}
