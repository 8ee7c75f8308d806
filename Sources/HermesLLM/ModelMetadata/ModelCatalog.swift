import Foundation

/// What is known of a model's limits, and where it came from.
public struct ModelLimits: Sendable, Hashable {
    /// Where a context length came from.
    public enum Source: Sendable, Hashable {
        /// The configuration (`model.context_length`, `--context-length`).
        case configured
        /// `context_length_cache.yaml` under `$HERMES_HOME`, which the Python project writes.
        case cached
        /// The endpoint's `/models` listing.
        case endpoint
        /// Python's table of known models, by the fragment of the name that matched.
        case catalog(String)
        /// Nothing matched: Python's default window.
        case fallback
    }

    /// The context window, in tokens.
    public var contextLength: Int
    /// The most tokens one completion may generate, when the endpoint says.
    public var maxCompletionTokens: Int?
    /// Where `contextLength` came from.
    public var source: Source

    /// Makes limits.
    public init(contextLength: Int, maxCompletionTokens: Int? = nil, source: Source) {
        self.contextLength = contextLength
        self.maxCompletionTokens = maxCompletionTokens
        self.source = source
    }
}

/// The Python project's static model knowledge (`agent/model_metadata.py`): its table of context
/// windows by model-name fragment, its default window, the provider prefixes a model name may
/// carry, and the hosts of the providers it knows.
public enum ModelCatalog {
    /// The window assumed when nothing says otherwise: 256K tokens.
    public static let fallbackContextLength = PythonModelMetadata.fallbackContextLength
    /// The smallest window Hermes runs with: 64K tokens.
    public static let minimumContextLength = PythonModelMetadata.minimumContextLength

    /// The table, longest fragment first (ties in Python's order), as Python searches it.
    private static let byLength: [(fragment: String, tokens: Int)] = PythonModelMetadata.contextLengths.enumerated()
        .sorted { ($0.element.fragment.count, -$0.offset) > ($1.element.fragment.count, -$1.offset) }.map(\.element)

    /// The table's window for `model`: the longest fragment the lower-cased name contains.
    /// Fragments are compared as Python writes them, so the few with capitals never match.
    public static func contextLength(for model: String) -> (fragment: String, tokens: Int)? {
        let name = model.lowercased()
        return byLength.first { name.contains($0.fragment) }
    }

    /// `model` without a known provider prefix (`local:my-model` → `my-model`); an Ollama tag
    /// (`qwen:7b`, `deepseek:latest`) is kept.
    public static func strippingProviderPrefix(_ model: String) -> String {
        guard let colon = model.firstIndex(of: ":"), !model.hasPrefix("http") else { return model }
        let prefix = model[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let suffix = String(model[model.index(after: colon)...])
        guard PythonModelMetadata.providerPrefixes.contains(prefix), !looksLikeOllamaTag(suffix) else { return model }
        return suffix
    }

    /// Python's `_OLLAMA_TAG_PATTERN`: `7b`, `1.5b`, `latest`, `stable`, `q4`, `fp16`, `f16`,
    /// `instruct`, `chat`, `coder`, `vision`, `text` at the start, any case.
    private static func looksLikeOllamaTag(_ tag: String) -> Bool {
        let text = tag.trimmingCharacters(in: .whitespaces).lowercased()
        for word in ["latest", "stable", "instruct", "chat", "coder", "vision", "text"] where text.hasPrefix(word) { return true }
        let characters = Array(text)
        func digit(_ index: Int) -> Bool { index < characters.count && characters[index].isASCII && characters[index].isNumber }
        if characters.first == "q", digit(1) { return true }
        if characters.first == "f", digit(1) || (characters.count > 1 && characters[1] == "p" && digit(2)) { return true }
        // \d+\.?\d*b
        var index = 0
        while digit(index) { index += 1 }
        guard index > 0 else { return false }
        if index < characters.count, characters[index] == "." { index += 1 }
        while digit(index) { index += 1 }
        return index < characters.count && characters[index] == "b"
    }

    /// The known provider whose host `baseURL` names (`api.openai.com` → `openai`), as Python's
    /// `_infer_provider_from_url` finds it; nil for a custom endpoint.
    public static func provider(forBaseURL baseURL: String) -> String? {
        let normalized = normalize(baseURL)
        guard !normalized.isEmpty else { return nil }
        let url = URL(string: normalized.contains("://") ? normalized : "https://" + normalized)
        var host = (url?.host ?? "").lowercased()
        if let port = url?.port { host += ":\(port)" }
        if host.isEmpty { host = normalized.lowercased() }
        return PythonModelMetadata.hostProviders.first { host.contains($0.fragment) }?.provider
    }

    /// Whether `baseURL` is OpenRouter's (its host or a subdomain).
    public static func isOpenRouter(_ baseURL: String) -> Bool {
        guard let host = URL(string: normalize(baseURL))?.host?.lowercased() else { return false }
        return host == "openrouter.ai" || host.hasSuffix(".openrouter.ai")
    }

    /// Python's guard against OpenRouter's listing of Kimi models at 32K.
    static func suggestsKimi(_ model: String) -> Bool {
        let name = model.lowercased()
        return name.hasPrefix("kimi") || name.contains("moonshot")
    }

    /// `baseURL` trimmed, without trailing slashes.
    static func normalize(_ baseURL: String) -> String {
        var text = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
