/// A setting or a configuration file that cannot be used: where the bad value came from, and a
/// sentence that says what is wrong and what to write instead.
///
/// Every configuration the project reads (the runtime's settings, scenario files, the LLM
/// simulator's behaviour) fails with this one type, so that a person always learns the source:
/// `config.yaml:12`, `--port`, `API_SERVER_KEY`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where a value came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// A file, at a 1-based line; line 0 is the file as a whole.
        case file(String, line: Int)
        /// A command-line option, e.g. `--port`.
        case flag(String)
        /// An environment variable, e.g. `API_SERVER_KEY`.
        case environment(String)
        /// A setting that no source gave although it is needed, by its key, e.g. `model.base_url`.
        case setting(String)

        /// Whether the value came from a file.
        public var isFile: Bool {
            if case .file = self { return true }
            return false
        }

        /// `FILE:LINE`, `FILE`, the flag or the variable's name.
        public var description: String {
            switch self {
            case .file(let path, let line): line > 0 ? "\(path):\(line)" : path
            case .flag(let name): name
            case .environment(let name): name
            case .setting(let key): key
            }
        }
    }

    /// Where the bad value came from.
    public var source: Source
    /// What is wrong — what to write instead.
    public var message: String

    /// Makes an error.
    public init(_ source: Source, _ message: String) {
        self.source = source
        self.message = message
    }

    /// An error at `line` of `file` (0: the file as a whole).
    public init(file: String, line: Int, _ message: String) {
        self.init(.file(file, line: line), message)
    }

    /// The file, when the value came from one.
    public var file: String? {
        if case .file(let path, _) = source { return path }
        return nil
    }

    /// The line in the file (1-based), or 0.
    public var line: Int {
        if case .file(_, let line) = source { return line }
        return 0
    }

    /// `SOURCE: message`.
    public var description: String { "\(source): \(message)" }
}
