import AsyncHTTPClient
import Foundation
import HermesCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Sends a Tavily-shaped JSON request (`POST {baseURL}/{endpoint}`) through the shared client.
enum WebAPI {
    static func post(_ endpoint: String, body: JSONValue, context: ToolContext, tool: String) async throws -> JSONValue {
        guard var base = context.web.baseURL, !base.isEmpty else {
            throw ToolError(.failed, "\(tool): no web search API is configured (set HERMES_WEB_BASE_URL)")
        }
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + "/" + endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = context.web.apiKey, !key.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(string: body.jsonText))
        let timeout = TimeAmount.nanoseconds(context.web.timeout.nanoseconds)
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await context.httpClient.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            try Task.checkCancellation()
            throw ToolError(.failed, "\(tool): the request to \(base) failed: \(error)")
        }
        guard response.status == .ok else {
            throw ToolError(.failed, "\(tool): \(base) answered \(response.status.code): \(String(buffer: bytes).prefix(300))")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: bytes)
        } catch {
            throw ToolError(.failed, "\(tool): \(base) sent a response that is not JSON")
        }
    }
}

/// `web_search`: a web search through a Tavily-compatible API.
struct WebSearchTool: Tool {
    static let spec = ToolSpec(
        name: "web_search",
        description:
            "Search the web for information. Returns up to 5 results by default with titles, URLs, and descriptions. The query is passed through to the configured backend, so operators such as site:domain, filetype:pdf, intitle:word, -term, and \"exact phrase\" may work when the backend supports them.",
        parameters: [
            "type": "object",
            "properties": [
                "query": [
                    "type": "string",
                    "description":
                        "The search query to look up on the web. You may include backend-supported operators such as site:example.com, filetype:pdf, intitle:word, -term, or \"exact phrase\".",
                ],
                "limit": [
                    "type": "integer", "description": "Maximum number of results to return. Defaults to 5.", "default": 5,
                    "minimum": 1, "maximum": 100,
                ],
            ],
            "required": ["query"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        // Clamped, not refused, as Python's web_search_tool clamps it (ArgumentValidator.clampedBounds).
        let limit = min(max(arguments["limit"]?.intValue ?? 5, 1), 100)
        let response = try await WebAPI.post(
            "search",
            // Tavily returns at most 20; Python's Tavily provider asks for no more.
            body: ["query": arguments["query"] ?? "", "max_results": .int(min(limit, 20)), "search_depth": "basic"],
            context: context, tool: "web_search")
        let results: [JSONValue] = (response["results"]?.arrayValue ?? []).prefix(limit).enumerated().map { index, result in
            [
                "title": result["title"] ?? "", "url": result["url"] ?? "",
                "description": result["content"] ?? "", "position": .int(index + 1),
            ]
        }
        return JSONValue.object(["success": true, "data": ["web": .array(results)]]).jsonText
    }
}

/// `web_extract`: page contents through a Tavily-compatible API, each page cut to a character
/// budget (head and tail kept).
struct WebExtractTool: Tool {
    static let spec = ToolSpec(
        name: "web_extract",
        description:
            "Extract content from web page URLs. Returns clean page content in markdown/text (no LLM summarization — fast). Also works with PDF URLs (arxiv papers, documents) — pass the PDF link directly. Pages within the char budget (default 15000) return whole; larger pages return a head+tail window with a footer telling you the full text's saved file path and the read_file call to page through the omitted middle. Inline images appear as [IMAGE: alt] placeholders; real image URLs are kept as links. If a URL fails or times out, use the browser tool instead.",
        parameters: [
            "type": "object",
            "properties": [
                "urls": [
                    "type": "array", "items": ["type": "string"],
                    "description": "List of URLs to extract content from (max 5 URLs per call)", "maxItems": 5,
                ],
                "char_limit": [
                    "type": "integer",
                    "description":
                        "Optional per-page character budget sent back (default 15000). Pages larger than this are head+tail truncated with the full text stored to disk. Raise it when you need more of a long page inline.",
                    "minimum": 2000,
                ],
            ],
            "required": ["urls"],
        ]
    )

    /// The largest per-page budget; a larger `char_limit` is cut to it, as Python cuts it.
    static let maxCharLimit = 500_000
    /// The most URLs one call fetches; the rest are dropped, as Python's handler drops them.
    static let maxURLs = 5

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        // Clamped, not refused, as Python clamps them (ArgumentValidator.clampedBounds).
        let budget = max(2000, min(arguments["char_limit"]?.intValue ?? 15_000, Self.maxCharLimit))
        let urls = Array((arguments["urls"]?.arrayValue ?? []).prefix(Self.maxURLs))
        let response = try await WebAPI.post("extract", body: ["urls": .array(urls)], context: context, tool: "web_extract")
        let pages: [JSONValue] = (response["results"]?.arrayValue ?? []).map { page in
            let content = page["raw_content"]?.stringValue ?? page["content"]?.stringValue ?? ""
            return ["url": page["url"] ?? "", "content": .string(Self.window(content, budget: budget))]
        }
        let failed = response["failed_results"] ?? []
        return JSONValue.object(["results": .array(pages), "failed": failed]).jsonText
    }

    static func window(_ text: String, budget: Int) -> String {
        guard text.count > budget else { return text }
        let half = budget / 2
        return String(text.prefix(half)) + "\n[... \(text.count - budget) characters omitted ...]\n"
            + String(text.suffix(half))
    }
}
