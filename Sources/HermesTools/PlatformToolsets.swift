import Foundation

/// The Python project's platform toolsets (`toolsets.py`): which tools each platform's agents get
/// when the configuration does not say. They are lists of tool names, Python's own, so that a
/// tool added later lands on the same platforms as there; a list comes down to the plain
/// toolsets (`terminal`, `file`, …) all of whose tools it names, as Python's `hermes tools`
/// reads a composite.
///
/// A webhook's payload is often third-party text (a public pull request's title), so its default
/// is the short safe list: no terminal, no file tools.
public enum PlatformToolsets {
    /// `_HERMES_CORE_TOOLS`: the CLI's and the messaging platforms' tools.
    static let core: Set<String> = [
        "web_search", "web_extract", "terminal", "process", "read_terminal", "close_terminal", "read_file", "write_file",
        "patch", "search_files", "vision_analyze", "image_generate", "skills_list", "skill_view", "skill_manage",
        "browser_navigate", "browser_snapshot", "browser_click", "browser_type", "browser_scroll", "browser_back",
        "browser_press", "browser_get_images", "browser_vision", "browser_console", "browser_cdp", "browser_dialog",
        "text_to_speech", "todo", "memory", "session_search", "clarify", "execute_code", "delegate_task", "cronjob",
        "ha_list_entities", "ha_get_state", "ha_list_services", "ha_call_service", "kanban_show", "kanban_list",
        "kanban_complete", "kanban_block", "kanban_heartbeat", "kanban_comment", "kanban_create", "kanban_link",
        "kanban_unblock", "kanban_attach", "kanban_attach_url", "kanban_attachments", "computer_use",
    ]

    /// `hermes-api-server`: the core tools without the interactive ones.
    static let apiServer: Set<String> = [
        "web_search", "web_extract", "terminal", "process", "read_file", "write_file", "patch", "search_files",
        "vision_analyze", "image_generate", "skills_list", "skill_view", "skill_manage", "browser_navigate",
        "browser_snapshot", "browser_click", "browser_type", "browser_scroll", "browser_back", "browser_press",
        "browser_get_images", "browser_vision", "browser_console", "browser_cdp", "browser_dialog", "todo", "memory",
        "session_search", "execute_code", "delegate_task", "cronjob", "ha_list_entities", "ha_get_state",
        "ha_list_services", "ha_call_service",
    ]

    /// `_HERMES_WEBHOOK_SAFE_TOOLS`.
    static let webhookSafe: Set<String> = ["web_search", "web_extract", "vision_analyze", "clarify"]

    /// The platform toolsets by name, with the tools each lists.
    public static let byName: [String: Set<String>] = [
        "hermes-cli": core, "hermes-api-server": apiServer, "hermes-telegram": core, "hermes-webhook": webhookSafe,
    ]

    /// The platform toolset of a session's source (`cli`, `api_server`, `telegram`, `webhook`); nil
    /// for a source that has none, whose agents get no tools unless the configuration names some.
    public static func defaultToolset(for platform: String) -> String? {
        let name = "hermes-" + platform.replacingOccurrences(of: "_", with: "-")
        return byName[name] == nil ? nil : name
    }
}

extension ToolRegistry {
    /// The plain toolsets `names` select, sorted: a plain toolset as it is, `all` as every one,
    /// a platform toolset (`hermes-webhook`) as the plain toolsets all of whose tools it lists.
    /// Unknown names are left out (settings are checked against `knownToolsetNames` first).
    public func plainToolsets(_ names: [String]) -> [String] {
        var selected = Set<String>()
        for name in names {
            if name == "all" {
                selected.formUnion(toolsetNames)
            } else if let listed = PlatformToolsets.byName[name] {
                selected.formUnion(toolsetNames.filter { toolset in tools(inToolset: toolset)?.allSatisfy(listed.contains) == true })
            } else if tools(inToolset: name) != nil {
                selected.insert(name)
            }
        }
        return selected.sorted()
    }

    /// Every name a toolset list may hold: the plain toolsets, the platform toolsets and `all`.
    public var knownToolsetNames: Set<String> {
        Set(toolsetNames).union(PlatformToolsets.byName.keys).union(["all"])
    }
}
