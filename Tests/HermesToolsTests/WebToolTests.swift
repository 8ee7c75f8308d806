import HermesCore
import HermesSimulators
import HermesTools
import Testing

@Suite("Web tools against the web search simulator over loopback", .timeLimit(.minutes(1)))
struct WebToolTests {
    func context(_ baseURL: String) -> ToolContext {
        ToolContext(
            sessionID: SessionID("web-test"), workingDirectory: "/tmp",
            web: WebConfiguration(baseURL: baseURL, apiKey: "test-key"))
    }

    @Test("web_search sends a Tavily-shaped request and returns titles, URLs and descriptions")
    func search() async throws {
        let simulator = WebSearchSimulator()
        try await simulator.withServer { baseURL in
            let tool = try #require(ToolRegistry.builtIn().tool(named: "web_search"))
            let output = try JSONValue(parsing: try await tool.run(["query": "swift nio", "limit": 3], context: context(baseURL)))
            let results = try #require(output["data"]?["web"]?.arrayValue)
            #expect(results.count == 3)
            #expect(results[0]["title"] == "Result 1 for swift nio")
            #expect(results[0]["description"]?.stringValue?.contains("swift nio") == true)
            #expect(results.map { $0["position"] } == [1, 2, 3])
            #expect(output["success"] == true)
            // A limit past Python's bounds is clamped, not refused: Tavily's twenty at most come back.
            let many = try JSONValue(parsing: try await tool.run(["query": "swift", "limit": 500], context: context(baseURL)))
            #expect(many["data"]?["web"]?.arrayValue?.count == 20)
        }
        #expect(simulator.stats().searches == 2)
    }

    @Test("web_extract keeps head and tail of long pages and reports failed URLs")
    func extract() async throws {
        let simulator = WebSearchSimulator(pageCharacters: 10_000)
        try await simulator.withServer { baseURL in
            let tool = try #require(ToolRegistry.builtIn().tool(named: "web_extract"))
            let output = try JSONValue(
                parsing: try await tool.run(
                    ["urls": ["https://example.com/a", "https://fail.invalid/b"], "char_limit": 2000],
                    context: context(baseURL)))
            let page = try #require(output["results"]?.arrayValue?.first?["content"]?.stringValue)
            #expect(page.contains("characters omitted"))
            #expect(page.count < 2100)
            #expect(output["failed"]?.arrayValue?.count == 1)
            // Past five URLs the rest are dropped, and a budget under 2000 is raised to it, as in Python.
            let urls: JSONValue = .array((1...7).map { .string("https://example.com/\($0)") })
            let capped = try JSONValue(parsing: try await tool.run(["urls": urls, "char_limit": 10], context: context(baseURL)))
            let pages = try #require(capped["results"]?.arrayValue)
            #expect(pages.compactMap { $0["url"]?.stringValue } == (1...5).map { "https://example.com/\($0)" })
            #expect(pages[0]["content"]?.stringValue.map { $0.count > 2000 && $0.count < 2100 } == true)
        }
    }

    @Test("an unreachable API is a tool error naming it, within the configured timeout")
    func unreachable() async throws {
        let tool = try #require(ToolRegistry.builtIn().tool(named: "web_search"))
        var unreachable = context("http://127.0.0.1:1")
        unreachable.web.timeout = .seconds(2)
        let error = await #expect(throws: ToolError.self) {
            try await tool.run(["query": "x"], context: unreachable)
        }
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }
}
