import HermesCore
import HermesStore
import Testing

@Suite("compaction in the store")
struct CompactionTests {
    @Test("a compacted session loads its compressed history; the old messages stay, searchable")
    func compactionArchivesAndReplaces() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                let id = SessionID("long")
                try await store.createSession(NewSession(id: id, source: "api"))
                let original: [Message] = [
                    .user("plan the zeppelin launch"), .assistant("noted"), .user("what about ballast"),
                    .assistant("sandbags"), .user("and the weather"), .assistant("clear skies"),
                ]
                try await store.append(original, to: id)
                let compacted: [Message] = [.user("[summary] zeppelin plans, ballast settled"), .user("and the weather"), .assistant("clear skies")]
                let ids = try await store.compact(id, to: compacted)
                #expect(ids.count == 3)
                #expect(try await store.history(of: id) == compacted)
                let all = try await store.messages(in: id, offset: 0, limit: nil, includeInactive: true)
                #expect(all.count == 9 && all.filter(\.active).count == 3)
                #expect(try await store.session(id)?.messageCount == 3)
                let hits = try await store.search(SearchQuery("sandbags"))
                #expect(hits.count == 1, "an archived message is still found")

                try await store.append([.user("go"), .assistant("launched")], to: id)
                #expect(try await store.history(of: id) == compacted + [.user("go"), .assistant("launched")])
                #expect(try await store.session(id)?.messageCount == 5)
                await #expect(throws: StoreError.self) { try await store.compact(SessionID("none"), to: compacted) }
            }
        }
    }

    @Test("an append and a compaction in one batch: the append is archived with the rest")
    func compactionAfterAnAppendInTheSameBatch() async throws {
        try await withTemporaryDirectory { directory in
            let id = SessionID("batched")
            try await withSessionStore(at: directory + "/state.db") { store in
                try await store.createSession(NewSession(id: id, source: "api"))
            }
            // The writer holds a batch open until it has two writes: the append, then the compaction.
            let configuration = StoreConfiguration(maxBatchSize: 2, maxBatchDelay: .seconds(3600))
            try await withSessionStore(at: directory + "/state.db", configuration: configuration) { store in
                let compacted: [Message] = [.user("[summary]"), .assistant("ok")]
                async let appended: [Int64] = store.append([.user("old one"), .assistant("old two")], to: id)
                while store.queuedWrites == 0 { await Task.yield() }
                async let compactedIDs: [Int64] = store.compact(id, to: compacted)
                let (first, second) = try await (appended, compactedIDs)
                #expect(first.count == 2 && second.count == 2 && first.max()! < second.min()!)
                #expect(try await store.history(of: id) == compacted)
                #expect(try await store.messages(in: id, offset: 0, limit: nil, includeInactive: true).count == 4)
            }
        }
    }
}
