import Foundation
import HermesCore
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import Synchronization

/// A Tavily-shaped web API on loopback, for the `web_search` and `web_extract` tools:
/// `POST /search` `{"query", "max_results"}` answers `{"results": [{"title", "url", "content", "score"}]}`;
/// `POST /extract` `{"urls": [...]}` answers `{"results": [{"url", "raw_content"}], "failed_results": [...]}`.
/// Results are made from the query or URL, so the same request always gets the same answer.
/// URLs whose host is `fail.invalid` are reported as failed.
public final class WebSearchSimulator: Sendable {
    /// Requests answered so far, by endpoint.
    public struct Stats: Sendable, Hashable {
        /// `POST /search` requests.
        public var searches = 0
        /// `POST /extract` requests.
        public var extracts = 0
    }

    /// The length of each extracted page, in characters.
    public let pageCharacters: Int
    private let counters = Mutex(Stats())
    private let logger: Logger

    /// Makes a simulator whose pages are `pageCharacters` long.
    public init(pageCharacters: Int = 4000) {
        self.pageCharacters = pageCharacters
        var logger = Logger(label: "hermes.sim.web")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// The counters so far.
    public func stats() -> Stats { counters.withLock { $0 } }

    /// Starts the server on loopback, runs `body` with its base URL (`http://127.0.0.1:PORT`),
    /// then stops it.
    public func withServer<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        try await withLoopbackServer(name: "web search simulator") { onRunning in
            Application(
                router: makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await onRunning($0.localAddress?.port ?? 0) }, logger: logger)
        } _: { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/search") { request, _ in
            var request = request
            let body = try JSONDecoder().decode(JSONValue.self, from: try await request.collectBody(upTo: 1 << 20))
            self.counters.withLock { $0.searches += 1 }
            let query = body["query"]?.stringValue ?? ""
            let count = min(max(body["max_results"]?.intValue ?? 5, 1), 20)
            let results: [JSONValue] = (1...count).map { rank in
                [
                    "title": .string("Result \(rank) for \(query)"),
                    "url": .string("https://example.com/\(rank)?q=\(query.count)"),
                    "content": .string("About \(query): finding number \(rank)."),
                    "score": .double(1.0 / Double(rank)),
                ]
            }
            return LLMSimulator.jsonResponse(JSONValue.object(["query": .string(query), "results": .array(results)]).jsonText)
        }
        router.post("/extract") { request, _ in
            var request = request
            let body = try JSONDecoder().decode(JSONValue.self, from: try await request.collectBody(upTo: 1 << 20))
            self.counters.withLock { $0.extracts += 1 }
            var pages: [JSONValue] = []
            var failed: [JSONValue] = []
            for url in (body["urls"]?.arrayValue ?? []).compactMap(\.stringValue) {
                if url.contains("fail.invalid") {
                    failed.append(["url": .string(url), "error": "could not fetch the page"])
                } else {
                    let line = "Content of \(url). "
                    let text = String(String(repeating: line, count: self.pageCharacters / line.count + 1).prefix(self.pageCharacters))
                    pages.append(["url": .string(url), "raw_content": .string(text)])
                }
            }
            return LLMSimulator.jsonResponse(
                JSONValue.object(["results": .array(pages), "failed_results": .array(failed)]).jsonText)
        }
        return router
    }
}
