import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesTelemetry
import Logging
import NIOPosix
import Yams

/// Where each agent's context compressor comes from: the one the settings fix (a context length
/// was configured), else one at the context length looked up for the model when its agent is
/// made (`ModelMetadata`: the endpoint's `/v1/models`, else Python's model table), as Python's
/// agent resolves it at start. Every compressor shares one summary cache.
struct SessionCompressors: Sendable {
    let fixed: ContextCompressor?
    let lookup: ModelMetadata?
    let tuning: CompressionSettings
    let model: any ChatModel
    let modelSettings: ModelSettings
    let summaries: SummaryCache
    let metrics: HermesMetrics
    let clock: any HermesClock
    let logger: Logger

    /// A compressor for a new agent; nil when compression is off.
    func compressor() async -> ContextCompressor? {
        if let fixed { return fixed }
        guard let lookup else { return nil }
        let limits = await lookup.limits(model: modelSettings.name, baseURL: modelSettings.baseURL, apiKey: modelSettings.apiKey)
        logger.debug(
            "context length looked up",
            metadata: ["model": "\(modelSettings.name)", "tokens": "\(limits.contextLength)", "from": "\(limits.source)"])
        var settings = tuning
        settings.contextLength = limits.contextLength
        return ContextCompressor(model: model, settings: settings, cache: summaries, metrics: metrics, clock: clock)
    }

    /// Python's `context_length_cache.yaml` under `hermesHome` (`context_lengths: {model@base_url:
    /// tokens}`), read on NIO's blocking pool; empty when there is none or it cannot be read (said
    /// in the log), since a lookup then simply asks the endpoint.
    static func savedContextLengths(hermesHome: String?, logger: Logger = Logger(label: "hermes")) async -> [String: Int] {
        guard let hermesHome else { return [:] }
        let path = hermesHome + "/context_length_cache.yaml"
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                guard let data = FileManager.default.contents(atPath: path) else { return [:] }
                guard let root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self)),
                    let lengths = root.mapping?["context_lengths"]?.mapping
                else { return [:] }
                var saved: [String: Int] = [:]
                for (key, value) in lengths {
                    if let name = key.string, let tokens = value.int, tokens > 0 { saved[name] = tokens }
                }
                return saved
            }
        } catch {
            logger.warning("could not read the saved context lengths", metadata: ["file": "\(path)", "error": "\(error)"])
            return [:]
        }
    }
}
