// Answers recorded from moto 5.2.1 (`python3 -m moto.server -p 5055`, werkzeug 3.1.8) with curl, byte for byte; long lines
// are wrapped with `\` line continuations, which add nothing to the string. The keys and tokens are moto's inventions.

/// Answers recorded from moto's server.
enum MotoRecording {
    /// `GET /bucket?list-type=2&prefix=repo/&delimiter=/` after putting `repo/index-5` (16 bytes) and `repo/indices/abc/0/__x`.
    static let listDelimited = """
        <?xml version="1.0" encoding="utf-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated><Contents><Key>rep\
        o/index-5</Key><LastModified>2026-12-07T17:18:28.000Z</LastModified><ETag>"4032af8d61035123906e58e067140cc5"</ETag><\
        ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>16</Size><StorageClass>STANDARD</StorageClass></Contents><Name>buck\
        et</Name><Prefix>repo/</Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys><CommonPrefixes><Prefix>repo/indices/<\
        /Prefix></CommonPrefixes><KeyCount>2</KeyCount></ListBucketResult>
        """

    /// `GET /bucket?list-type=2&max-keys=1`: the first of two pages.
    static let listTruncated = """
        <?xml version="1.0" encoding="utf-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated><Contents><Key>repo\
        /index-5</Key><LastModified>2026-12-07T17:18:28.000Z</LastModified><ETag>"4032af8d61035123906e58e067140cc5"</ETag><C\
        hecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>16</Size><StorageClass>STANDARD</StorageClass></Contents><Name>bucke\
        t</Name><Prefix/><MaxKeys>1</MaxKeys><KeyCount>1</KeyCount><NextContinuationToken>bcd8dc7dd5cb5d016c0cde19907ca677</\
        NextContinuationToken></ListBucketResult>
        """

    /// `GET /nosuch?list-type=2` (404).
    static let noSuchBucket = """
        <?xml version="1.0" encoding="utf-8"?>
        <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nosuch</BucketName\
        ><RequestId>jY9Th9qWnRn64K6r5CMMVSKj1roqdxQgURNxF1oc7rT7xOKmHZKp</RequestId><HostId>9Gjjt1m+cjU4OPvX9O9/8RuvnG41MRb/\
        18Oux2o5H5MY7ISNTlXN+Dz9IG62/ILVxhAGI0qyPfg=</HostId></Error>
        """

    /// `POST /` `Action=AssumeRole&…&DurationSeconds=3600`, signed with an IAM user's key.
    static let assumeRole = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>AS\
        IARZPUZDIKOOS4XZFW</AccessKeyId><SecretAccessKey>2/kq6SS/WYpzthGqMFCCu722y9gZOz7vIsDjp1Vq</SecretAccessKey><SessionT\
        oken>FQoGZXIvYXdzEBYaDeo1sYqjkCRuQKnmtvoG0MTl0WzcS6rv9rKHkHuT6gc0SjYhOQrTZ7hB8+NZ4dAr7BjrJoSJUNmdTEMJZ6tgdTbV1Th2dTx\
        sjUC4E2wiWo4P7IbjZs7EbBgzESjj78sJR4fpCDJbi6439+h8YR7SJQa4B4IvctJjzXWEvPvieyhtZDsdBVkdO2b0kMNQ9VbiqfLpOZ0WY3ORMpf2r6Z\
        B9MGZu2GKCMXNN+R5BRKIza4hxNOXpt8bOgKOC2a47RIX3dGMywYvIrQ7ugAOPgMaUvsYSa6r6F/tNehwIpQ5bisHvyxSWo86qaXQhx+sbGrIk5IcaCN\
        GLFRv9roJ8qw=</SessionToken><Expiration>2026-12-07T18:20:01.217042Z</Expiration></Credentials><AssumedRoleUser><Assu\
        medRoleId>AROARZPUZDIKCCV2M23VR:tern</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/reader/tern</Arn></A\
        ssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>Q81Tlq5fimMR4uB\
        DsSgyc1fJF7X5N3pQFxFdlGLhjypCwwBPRQRD</RequestId></ResponseMetadata></AssumeRoleResponse>
        """

    /// `POST /` `Action=AssumeRoleWithWebIdentity&…`.
    static let assumeRoleWithWebIdentity = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResul\
        t><Credentials><AccessKeyId>ASIARZPUZDIKB4BQRCWS</AccessKeyId><SecretAccessKey>dTJCyyKgafydgHPP7o6OiXd5qjb9b5Vq+6H9i\
        6FP</SecretAccessKey><SessionToken>FQoGZXIvYXdzEBYaDHJDLz4UFEN846RVxFknBuA0ZGBBJHJRN4+1hcnti7VDMrraoSQG4lN9P3bBwgb4K\
        GjPvTiR+9fdd3434Tag2rOkaICgVGnqbyGDLT+88JjnZwh17JhC3hGH3I+UTzP/XrM3FGTzqBzTNCEGQRd5/udVDpNXAcNW3eqPgK9DLvULMIqNmd//V\
        c8XZGLuVUHAKL+ii76Eie0lmF0Tuc5aZJc7ffnzmFYwmQoiPCW0/sm9PDGMI6gAhslMi4A6bUXsPHG9aPG+P1K9cjnPCXoVD+e+0qw9JcC60hv/v4EWZ\
        /pmD87qvTHzFybIwGIa+vdVCbJDncNmXUcV51/m4c8=</SessionToken><Expiration>2026-12-07T18:20:01.228232Z</Expiration></Cred\
        entials><AssumedRoleUser><AssumedRoleId>ARO123EXAMPLE123:web</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-r\
        ole/reader/web</Arn></AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleWithWebIdentityResult><Respo\
        nseMetadata><RequestId>ciW9NqnXCZKFi7rUEFAYI9wpKNaJxhU0vLGRqjFexo7geYFGTak0</RequestId></ResponseMetadata></AssumeRo\
        leWithWebIdentityResponse>
        """

    /// `POST /` `Action=AssumeRole` signed with a wrong secret (403); moto wraps `Error` in `Errors`.
    static let signatureDoesNotMatch = """
        <?xml version="1.0" encoding="utf-8"?>
        <ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does no\
        t match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documen\
        tation for details.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>
        """
}
