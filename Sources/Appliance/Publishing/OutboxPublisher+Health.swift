extension OutboxPublisher {
    /// The publisher as a component of the line's health (`mqtt`), with its backlog:
    /// - degraded while the broker cannot be reached or refuses (the reason is the last error;
    ///   results wait in the journal, none is lost);
    /// - degraded while connected with results older than ``Options/historicalAfterSeconds``
    ///   still waiting (a backlog being delivered late after an outage);
    /// - ok otherwise (also before the first connection attempt has ended).
    public var health: LineHealth.Component {
        let counters = counters
        var component = LineHealth.Component(name: "mqtt", state: .ok, backlog: counters.backlog,
                                             oldestAgeSeconds: counters.oldestAgeSeconds)
        if !counters.connected, let problem = counters.problem {
            component.state = .degraded
            component.detail = problem
        } else if counters.connected, let age = counters.oldestAgeSeconds, age > options.historicalAfterSeconds {
            component.state = .degraded
            component.detail = "delivering a backlog; its results are late"
        }
        return component
    }
}
