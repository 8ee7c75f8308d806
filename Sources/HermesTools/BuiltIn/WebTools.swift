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
        description: "Search the web for information. Returns up to 5 results by default with titles, URLs, and descriptions.",
        parameters: [
            "type": "object",
            "properties": [
                "query": ["type": "string", "description": "The search query to look up on the web."],
                "limit": [
                    "type": "integer", "description": "Maximum number of results (default 5)", "minimum": 1,
                    "maximum": 100,
                ],
            ],
            "required": ["query"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let limit = arguments["limit"]?.intValue ?? 5
        let response = try await WebAPI.post(
            "search",
            body: ["query": arguments["query"] ?? "", "max_results": .int(limit), "search_depth": "basic"],
            context: context, tool: "web_search")
        let results: [JSONValue] = (response["results"]?.arrayValue ?? []).prefix(limit).map { result in
            [
                "title": result["title"] ?? "", "url": result["url"] ?? "",
                "description": result["content"] ?? "",
            ]
        }
        return JSONValue.object(["data": ["web": .array(results)]]).jsonText
    }
}

/// `web_extract`: page contents through a Tavily-compatible API, each page cut to a character
/// budget (head and tail kept).
struct WebExtractTool: Tool {
    static let spec = ToolSpec(
        name: "web_extract",
        description: "Extract content from web page URLs (at most 5). Pages over the character budget keep their head and tail.",
        parameters: [
            "type": "object",
            "properties": [
                "urls": [
                    "type": "array", "items": ["type": "string"], "maxItems": 5,
                    "description": "URLs to extract content from (max 5)",
                ],
                "char_limit": ["type": "integer", "minimum": 2000, "description": "Per-page character budget (default 15000)"],
            ],
            "required": ["urls"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let budget = arguments["char_limit"]?.intValue ?? 15_000
        let response = try await WebAPI.post(
            "extract", body: ["urls": arguments["urls"] ?? []], context: context, tool: "web_extract")
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
