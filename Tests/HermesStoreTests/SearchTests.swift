import HermesCore
import Testing

@testable import HermesStore

@Suite("Session store: full-text search", .timeLimit(.minutes(1)))
struct SearchTests {
    @Test(
        "user input becomes a valid FTS5 expression",
        arguments: [
            ("docker deployment", "docker deployment"),
            ("\"exact phrase\" rest", "\"exact phrase\" rest"),
            ("TODO: fix (this)", "TODO fix this"),
            ("chat-send P2.2 my-app.config.ts", "\"chat-send\" \"P2.2\" \"my-app.config.ts\""),
            ("deploy* ***x", "deploy* x"),
            ("AND hello OR", "hello"),
            ("unbalanced \"quote", "unbalanced quote"),
            ("+{}^", ""),
        ] as [(String, String)]
    )
    func cleaning(input: String, expected: String) {
        #expect(FullTextQuery(input).expression == expected)
    }

    @Test("search ranks across sessions, with snippets, and filters by source, session and role")
    func search() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                let cli = SessionID("cli-1")
                let bot = SessionID("tg-1")
                try await store.createSession(NewSession(id: cli, source: "cli"))
                try await store.createSession(NewSession(id: bot, source: "telegram"))
                try await store.append(
                    [.user("How do I deploy the docker image?"), .assistant("Build it, then push the docker image.")],
                    to: cli)
                try await store.append([.user("docker docker docker everywhere"), .assistant("Indeed.")], to: bot)
                try await store.append(
                    [.assistant(nil, toolCalls: [ToolCall(id: "c1", name: "terminal", arguments: #"{"command":"kubectl apply"}"#)])],
                    to: cli)

                let hits = try await store.search(SearchQuery("docker"))
                #expect(hits.count == 3)
                #expect(hits.first?.sessionID == bot, "bm25 ranks the message that says docker three times first")
                #expect(hits.allSatisfy { $0.snippet.contains(">>>docker<<<") || $0.snippet.contains(">>>Docker<<<") })
                #expect(hits.map { $0.rank ?? 0 } == hits.map { $0.rank ?? 0 }.sorted())

                #expect(try await store.search(SearchQuery("docker", sources: ["cli"])).allSatisfy { $0.source == "cli" })
                #expect(try await store.search(SearchQuery("docker", sessionID: bot)).count == 1)
                #expect(try await store.search(SearchQuery("docker", roles: [.assistant])).count == 1)
                #expect(try await store.search(SearchQuery("kubectl")).first?.role == "assistant", "tool calls are indexed")
                #expect(try await store.search(SearchQuery("nothing-like-this")).isEmpty)
                #expect(try await store.search(SearchQuery("a OR OR b ((")).isEmpty)
            }
        }
    }

    @Test("CJK: three or more characters go through the trigram index, fewer through a substring scan")
    func cjk() async throws {
        try await withTemporaryDirectory { directory in
            try await withSessionStore(at: directory + "/state.db") { store in
                let id = SessionID("cjk")
                try await store.createSession(NewSession(id: id, source: "cli"))
                try await store.append([.user("我们明天去大别山项目现场"), .assistant("好的，桂林见")], to: id)
                let trigram = try await store.search(SearchQuery("大别山项目"))
                #expect(trigram.count == 1)
                #expect(trigram.first?.rank != nil, "ranked by the trigram index")
                let short = try await store.search(SearchQuery("桂林"))
                #expect(short.count == 1)
                #expect(short.first?.rank == nil, "two characters are too short for trigrams")
                #expect(try await store.search(SearchQuery("大别山 OR 桂林")).count == 2)
                #expect(try await store.search(SearchQuery("上海市")).isEmpty)
            }
        }
    }
}
