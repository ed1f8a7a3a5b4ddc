import CMosquitto

extension MQTTClientOptions {
    /// Sets these options on a libmosquitto client before it connects (the client's and the
    /// probe's alike). An error names the option, never the password.
    func apply(to handle: OpaquePointer) throws(MQTTError) {
        try check("protocol_version", mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, protocolVersion.optionValue))
        try check("send_maximum", mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(clamping: sendMaximum)))
        // Our thread calls the loop, other threads publish: libmosquitto must lock.
        try check("threaded", mosquitto_threaded_set(handle, true))
        if username != nil || password != nil {
            try check("username/password", mosquitto_username_pw_set(handle, username, password))
        }
        if let caFile {
            // A key with a passphrase would make OpenSSL ask on the terminal: answer nothing, so
            // it fails to load with an error instead of waiting for a keyboard.
            let noPassphrase: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }
            // Built in steps: one long sum of optional strings is past Swift 6.0's type checker.
            var files = "tls.ca_file (\(caFile))"
            if let certFile { files += ", tls.cert_file (\(certFile))" }
            if let keyFile { files += ", tls.key_file (\(keyFile))" }
            try check(files, mosquitto_tls_set(handle, caFile, nil, certFile, keyFile, noPassphrase))
            // Verify the broker's certificate (SSL_VERIFY_PEER = 1), TLS 1.2 or newer (libmosquitto
            // reads "tlsv1.2" as the lowest version allowed), and its name against the host.
            try check("tls version", mosquitto_tls_opts_set(handle, 1, "tlsv1.2", nil))
            try check("tls hostname verification", mosquitto_tls_insecure_set(handle, false))
        }
        if let will {
            let code = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), will.retain)
            }
            try check("will on \(will.topic)", code)
        }
    }

    private func check(_ option: String, _ code: Int32) throws(MQTTError) {
        guard code == MQTTError.success else { throw .invalidOption(option: option, reason: MQTTError.describe(code)) }
    }
}
