import AsyncHTTPClient
import Foundation
import HermesCore
import HermesGateway
import HermesLLM
import HermesRuntime
import HermesStore
import HermesTesting
import NIOCore
import NIOHTTP1

/// A gateway on loopback (port 0), assembled by `HermesRuntime` as `hermes gateway` assembles
/// it, over a fresh store in a temporary directory.
struct RunningGateway: Sendable {
    let baseURL: String
    let runtime: HermesRuntime
    let gateway: Gateway
    let store: SQLiteSessionStore
    let client: HTTPClient

    /// Sends a request and collects the answer. It bears the gateway's API key unless `headers`
    /// has an `Authorization` of its own (an empty one sends none).
    func send(
        _ path: String, method: HTTPMethod = .POST, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        var headers = headers
        if headers["Authorization"] == nil { headers["Authorization"] = TestKeys.authorization }
        for (name, value) in headers where !value.isEmpty { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers, String(buffer: collected))
    }

    /// A chat-completions request body with one user message.
    static func chat(_ text: String, stream: Bool = false) -> String {
        #"{"model":"test","stream":\#(stream),"messages":[{"role":"user","content":\#(jsonQuoted(text))}]}"#
    }
}

/// Runs a gateway with `configuration` (its port replaced by 0) and the key
/// `TestKeys.apiServer`, and agents over `model` with the todo tools and 4 model calls a turn
/// (`settings` changes more), until `body` returns.
func withGateway<T: Sendable>(
    _ configuration: GatewayConfiguration = GatewayConfiguration(), model: any ChatModel,
    settings change: (inout RuntimeSettings) -> Void = { _ in }, onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil,
    _ body: (RunningGateway) async throws -> T
) async throws -> T {
    let directory = NSTemporaryDirectory() + "hermes-gateway-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var settings = RuntimeSettings()
    settings.gateway = configuration
    settings.gateway.port = 0
    settings.apiKey = TestKeys.apiServer
    settings.databasePath = directory + "/state.db"
    settings.toolsets = ["todo"]
    settings.maxIterations = 4
    settings.workingDirectory = "/tmp"
    change(&settings)
    var clientConfiguration = HTTPClient.Configuration()
    clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
    do {
        let result = try await withRuntime(settings, model: model) { runtime in
            let gateway = try runtime.makeGateway(onDelivery: onDelivery)
            return try await gateway.withServer { baseURL in
                try await body(
                    RunningGateway(baseURL: baseURL, runtime: runtime, gateway: gateway, store: runtime.store!, client: client))
            }
        }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// An OpenAI-compatible client of the LLM simulator at `baseURL`.
func simulatorModel(_ baseURL: String) -> OpenAIClient {
    OpenAIClient(configuration: .init(baseURL: baseURL, model: "sim"))
}
