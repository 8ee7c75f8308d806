import AsyncHTTPClient
import HermesCore

#if canImport(Glibc)
    import Glibc
#endif

/// What a tool call may use beyond its arguments: the session's working directory and state, the
/// tools' HTTP client and the clock of their timeouts. One context per session; cheap to copy.
public struct ToolContext: Sendable {
    /// The session the call belongs to.
    public var sessionID: SessionID
    /// The session's shell: where its last command left off, and what it exported.
    public let shell: ShellSession
    /// Relative paths resolve against it, and terminal commands run in it: the session's
    /// directory at first, then wherever the last command's `cd` left the shell, as in Python.
    public var workingDirectory: String { shell.directory }
    /// The session's task list.
    public var todos: TodoStore
    /// Where `web_search` and `web_extract` send their requests.
    public var web: WebConfiguration
    /// The tools' pooled HTTP client (the runtime's `HTTPClients.tools`).
    public var httpClient: HTTPClient
    /// The clock of the tools' timeouts.
    public var clock: any HermesClock
    /// Who approves the session's dangerous terminal commands; by default nobody, so they are refused.
    public var approvals: Approvals
    /// Where `write_file` and `patch` refuse to write, and `read_file` to read.
    public var pathGuard: PathGuard
    /// Masks secrets in what the terminal printed and in file content before the model sees them.
    public var redactor: Redactor
    /// How long a terminal command may run when the call gives no `timeout` (`terminal.timeout`,
    /// Python's 180 s).
    public var terminalTimeout: Duration = .seconds(180)
    /// The background processes `terminal(background=true)` starts and the `process` tool
    /// manages: the runtime's one registry, which it shuts down when it stops. By default each
    /// context has its own, whose processes are killed when it is released.
    public var processes = ProcessRegistry()
    /// Whether the session can hear about a background process after its turn ended (Python's
    /// `async_delivery_supported`): false on the API server, whose adapter cannot, and in
    /// one-shot `hermes chat`, which exits after its reply; then `notify_on_complete` and
    /// `watch_patterns` are refused with Python's note.
    public var asyncDelivery = true
    /// The chat the session talks in (Python's `HERMES_SESSION_PLATFORM`, `_CHAT_ID` and
    /// `_THREAD_ID`), to which the gateway delivers its background processes' notifications;
    /// nil where there is none.
    public var chat: ChatAddress?
    /// The session's `MEMORY.md` and `USER.md`; nil when memory is disabled (both targets off),
    /// and then the `memory` tool answers that it is not available, as Python's does.
    public var memory: MemoryStore?
    /// The profile's skills, which `skills_list`, `skill_view` and `skill_manage` use; nil when the
    /// runtime has no `$HERMES_HOME` (the harness's), and then they answer that skills are not available.
    public var skills: SkillsLibrary?
    /// The past sessions `session_search` reads; nil when nothing is recorded (`--no-store`),
    /// and then the tool answers that the session database is not available, as Python's does.
    public var sessionHistory: (any SessionHistory)?

    /// Makes a context.
    public init(
        sessionID: SessionID, workingDirectory: String, todos: TodoStore = TodoStore(),
        web: WebConfiguration = WebConfiguration(), httpClient: HTTPClient = .shared, clock: any HermesClock = ContinuousClock(),
        approvals: Approvals = Approvals(approver: .nobody), pathGuard: PathGuard = .forEnvironment(),
        redactor: Redactor = Redactor(), memory: MemoryStore? = nil
    ) {
        self.sessionID = sessionID
        self.shell = ShellSession(directory: workingDirectory)
        self.todos = todos
        self.web = web
        self.httpClient = httpClient
        self.clock = clock
        self.approvals = approvals
        self.pathGuard = pathGuard
        self.redactor = redactor
        self.memory = memory
    }

    /// `path` made absolute, when the file tools may read it; else a refusal naming it.
    func readablePath(_ path: String) throws(ToolError) -> String {
        let resolved = resolve(path)
        if let refusal = pathGuard.refusal(reading: resolved, given: path) { throw ToolError(.refused, refusal) }
        return resolved
    }

    /// `path` made absolute, when the file tools may write there; else a refusal naming it.
    func writablePath(_ path: String) throws(ToolError) -> String {
        let resolved = resolve(path)
        if let refusal = pathGuard.refusal(writing: resolved, given: path) { throw ToolError(.refused, refusal) }
        return resolved
    }

    /// `path` made absolute against the working directory (`~` expands to `$HOME`).
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/") {
            let home = ProcessEnvironment.value("HOME") ?? "/"
            return home + path.dropFirst()
        }
        let base = workingDirectory.hasSuffix("/") ? String(workingDirectory.dropLast()) : workingDirectory
        return path == "." ? base : base + "/" + path
    }
}

/// Where the web tools send requests: a Tavily-compatible API (`POST {baseURL}/search`,
/// `POST {baseURL}/extract`).
public struct WebConfiguration: Sendable, Hashable {
    /// The API root, e.g. `https://api.tavily.com`; `nil` disables the web tools' calls with a clear error.
    public var baseURL: String?
    /// Sent as `Authorization: Bearer …`.
    public var apiKey: String?
    /// The most one call may take.
    public var timeout: Duration

    /// Makes a configuration.
    public init(baseURL: String? = nil, apiKey: String? = nil, timeout: Duration = .seconds(30)) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
    }
}

/// Reads environment variables without Foundation's `ProcessInfo` dictionary copy.
enum ProcessEnvironment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }
}
