// The local stack's fixed development values. They only ever open servers bound to 127.0.0.1.
export const LOCAL_BUCKET = 'ckafka-dump-1250000000';
export const LOCAL_REGION = 'ap-guangzhou';
export const LOCAL_INSTANCE_ID = 'ckafka-local0001';
export const LOCAL_CREDENTIALS = { secretId: 'AKIDLOCALDEVELOPMENT00000000000000', secretKey: 'local-development-secret-key-00000' };
