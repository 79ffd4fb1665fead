/// A 2048-bit RSA key made once with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` for these tests.
///
/// TEST-ONLY KEY: it signs nothing outside this test target and belongs to no Google account. Its private half is
/// published here on purpose, so that a JWT signed by the code can be checked byte for byte against one signed by
/// `openssl dgst -sha256 -sign` (RSASSA-PKCS1-v1_5 is deterministic).
enum TestRSAKey {
    /// The private key as PKCS#8 (`BEGIN PRIVATE KEY`), the form Google's key files carry.
    static let pkcs8PEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDn7qsvtgihinJh
        7MImaNW3iUPex8Ly1Ga41Ql+yL14EXzabexkuK5RiHhKy4e4vL4CTEm3R57XNBbl
        0Dz8PVR2e5cKqbt5MPSjxmjIJ0QNF6YqLR6tW5CYJWPKxjMl1ZOMNixl5OmNXsMq
        +QVN5LcYJvwtd6IASVaoOTU1KZn8e4lukxt1H9FzIHyW/crgNgE6Vyo43e8+U4rN
        pyx1bN547SOzlhMGT+jW4V7e9EZj3RSabkEXx7v5AADyVQWeq7Bj7PUHXuQhdlho
        VKB2VDbtQ39EXov7wcw58n7UO4rBMoDXp18kiFjd+814qgBZAQ6dleubNSulDt7B
        xTgLsqJLAgMBAAECggEANHaT6YRzOltPWWBNYJPZOB2IKTYlnnk2TTv/XFr7JNRL
        2jsAPJ5b7ByDHWQhrMOg9XMdP6SnRQXG4jAzA1m6J9z4AxT2z8inpf5FCHV9WrrN
        PwAaztsF/6yBgMZJnpbLu+0rKNdZjz1ux2Mx9Hc2hXOYGo7Tqd3tCLt8Eiz5ZJd8
        9yXowEHPHtp/9IaELBBDL57NDbI/w/WjgxB7FCeowF5uB/24maUDmbcPc9qTcrX0
        gFS55RjNEuyDZJChkpSEgeBUWvEGW7ctfj3Y+lhQ76cHO+Da7iAYZcx7gBKdi18O
        fE4wW0AuNDfXZbUbp+uhodn/cr9DYiQD2Cff6TicUQKBgQD0/QyacNy2oEUjMF2o
        oMOcJUoQi1eQ7rXNR6r2+/B+yo0Qo7/YQLE/zI087NxUSVmemgYv0ZUp2UTVmzth
        /SH+odUNkvwaiIppise64deYyMVLrxoyhpBjLtSxAP+QIfD2LdMQ/jXYq3lAkxi1
        CSBZrhZ5/NDcSLYleUJcso6skQKBgQDyW2ObC94yep7KiVGgdqW9MqZkQu20fKVf
        o3aHgdkx10O0JVCTqjrIUZOZ0WLX8fWp9Ux+fA4l7EcKVp/2IyNS7ctvLGLViNXO
        6TxD8QrAa+ZTPPzgp6SiqYzfBhjnet59pSnrteBdL85/BT81sOxGoccaklE+O1kL
        IkzkFaL/GwKBgDTRDVOKe3r/6IfimH6PUjyqqWIRuGotnJJKHiirPjkHkAwDUYvc
        vpnjjpuQ8RtWyPRxfl320DK6faWTluTUPuz3lMgdZS6PO0/vtImswN9WgXqEoKA9
        9Ij9gqs6bN51As8AKB3kwFUa+sQaMlxtQEU1S/E2uQyUvHgtwUnc0PeRAoGBANw3
        inRx/j7kCLGEwTULWmJmSadE4XVk5WfXwnYy2MZfEdf5KBRlU/B9n57fEe+inlUG
        3bD4zGpNHegY+lTPbOOHy5iDPnNFWPIgIHCj798UrD7qZeVEr2ZWpfhpM+vyS4Tj
        tQnHQ82pCPuGKv+AedFcYuyUE1p21tw1GKUPvAINAoGBALsVIbJWrJ1O6JMwHBgy
        exSbi7O5DmFEsEyradLvcP4YcPsHudmcxVMBlIy6RyUzEixmeoLQaXWtHDIEcc3V
        phUUphH0n3n5TV6ZdfjIhm/nbheFaoQO5botptlD390mWJ8gwiXxm2uGGp19jySe
        CbpKRSYXWEWuVky8sOHwRudC
        -----END PRIVATE KEY-----
        """

    /// The same private key as PKCS#1 (`BEGIN RSA PRIVATE KEY`), the form older tools write.
    static let pkcs1PEM = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEpAIBAAKCAQEA5+6rL7YIoYpyYezCJmjVt4lD3sfC8tRmuNUJfsi9eBF82m3s
        ZLiuUYh4SsuHuLy+AkxJt0ee1zQW5dA8/D1UdnuXCqm7eTD0o8ZoyCdEDRemKi0e
        rVuQmCVjysYzJdWTjDYsZeTpjV7DKvkFTeS3GCb8LXeiAElWqDk1NSmZ/HuJbpMb
        dR/RcyB8lv3K4DYBOlcqON3vPlOKzacsdWzeeO0js5YTBk/o1uFe3vRGY90Umm5B
        F8e7+QAA8lUFnquwY+z1B17kIXZYaFSgdlQ27UN/RF6L+8HMOfJ+1DuKwTKA16df
        JIhY3fvNeKoAWQEOnZXrmzUrpQ7ewcU4C7KiSwIDAQABAoIBADR2k+mEczpbT1lg
        TWCT2TgdiCk2JZ55Nk07/1xa+yTUS9o7ADyeW+wcgx1kIazDoPVzHT+kp0UFxuIw
        MwNZuifc+AMU9s/Ip6X+RQh1fVq6zT8AGs7bBf+sgYDGSZ6Wy7vtKyjXWY89bsdj
        MfR3NoVzmBqO06nd7Qi7fBIs+WSXfPcl6MBBzx7af/SGhCwQQy+ezQ2yP8P1o4MQ
        exQnqMBebgf9uJmlA5m3D3Pak3K19IBUueUYzRLsg2SQoZKUhIHgVFrxBlu3LX49
        2PpYUO+nBzvg2u4gGGXMe4ASnYtfDnxOMFtALjQ312W1G6froaHZ/3K/Q2IkA9gn
        3+k4nFECgYEA9P0MmnDctqBFIzBdqKDDnCVKEItXkO61zUeq9vvwfsqNEKO/2ECx
        P8yNPOzcVElZnpoGL9GVKdlE1Zs7Yf0h/qHVDZL8GoiKaYrHuuHXmMjFS68aMoaQ
        Yy7UsQD/kCHw9i3TEP412Kt5QJMYtQkgWa4WefzQ3Ei2JXlCXLKOrJECgYEA8ltj
        mwveMnqeyolRoHalvTKmZELttHylX6N2h4HZMddDtCVQk6o6yFGTmdFi1/H1qfVM
        fnwOJexHClaf9iMjUu3Lbyxi1YjVzuk8Q/EKwGvmUzz84KekoqmM3wYY53refaUp
        67XgXS/OfwU/NbDsRqHHGpJRPjtZCyJM5BWi/xsCgYA00Q1Tint6/+iH4ph+j1I8
        qqliEbhqLZySSh4oqz45B5AMA1GL3L6Z446bkPEbVsj0cX5d9tAyun2lk5bk1D7s
        95TIHWUujztP77SJrMDfVoF6hKCgPfSI/YKrOmzedQLPACgd5MBVGvrEGjJcbUBF
        NUvxNrkMlLx4LcFJ3ND3kQKBgQDcN4p0cf4+5AixhME1C1piZkmnROF1ZOVn18J2
        MtjGXxHX+SgUZVPwfZ+e3xHvop5VBt2w+MxqTR3oGPpUz2zjh8uYgz5zRVjyICBw
        o+/fFKw+6mXlRK9mVqX4aTPr8kuE47UJx0PNqQj7hir/gHnRXGLslBNadtbcNRil
        D7wCDQKBgQC7FSGyVqydTuiTMBwYMnsUm4uzuQ5hRLBMq2nS73D+GHD7B7nZnMVT
        AZSMukclMxIsZnqC0Gl1rRwyBHHN1aYVFKYR9J95+U1emXX4yIZv524XhWqEDuW6
        LabZQ9/dJlifIMIl8ZtrhhqdfY8kngm6SkUmF1hFrlZMvLDh8EbnQg==
        -----END RSA PRIVATE KEY-----
        """

    /// The public half (SubjectPublicKeyInfo), for checking signatures.
    static let publicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5+6rL7YIoYpyYezCJmjV
        t4lD3sfC8tRmuNUJfsi9eBF82m3sZLiuUYh4SsuHuLy+AkxJt0ee1zQW5dA8/D1U
        dnuXCqm7eTD0o8ZoyCdEDRemKi0erVuQmCVjysYzJdWTjDYsZeTpjV7DKvkFTeS3
        GCb8LXeiAElWqDk1NSmZ/HuJbpMbdR/RcyB8lv3K4DYBOlcqON3vPlOKzacsdWze
        eO0js5YTBk/o1uFe3vRGY90Umm5BF8e7+QAA8lUFnquwY+z1B17kIXZYaFSgdlQ2
        7UN/RF6L+8HMOfJ+1DuKwTKA16dfJIhY3fvNeKoAWQEOnZXrmzUrpQ7ewcU4C7Ki
        SwIDAQAB
        -----END PUBLIC KEY-----
        """
}
