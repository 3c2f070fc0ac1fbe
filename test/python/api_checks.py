"""tencentcloud-sdk-python (SCF and CKafka clients) against the local API emulator.

Environment: API_HOST (127.0.0.1:PORT), API_REGION, API_SECRET_ID, API_SECRET_KEY, API_TEMP_SECRET_ID,
API_TEMP_SECRET_KEY, API_TEMP_TOKEN, API_FUNCTION (a function that answers {"event": ...}),
API_INSTANCE, API_TOPIC and API_PARTITIONS (a topic of the instance and its partition count).
"""
import json
import os
import re
import sys

from tencentcloud.ckafka.v20190819 import ckafka_client
from tencentcloud.ckafka.v20190819 import models as ckafka_models
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.scf.v20180416 import models as scf_models
from tencentcloud.scf.v20180416 import scf_client

from harness import Checks, expect_equal, expect_error

HOST = os.environ["API_HOST"]
REGION = os.environ["API_REGION"]
KEYS = (os.environ["API_SECRET_ID"], os.environ["API_SECRET_KEY"])
FUNCTION = os.environ["API_FUNCTION"]
INSTANCE = os.environ["API_INSTANCE"]
TOPIC = os.environ["API_TOPIC"]
PARTITIONS = int(os.environ["API_PARTITIONS"])

checks = Checks(["tencentcloud-sdk-python-common", "tencentcloud-sdk-python-scf", "tencentcloud-sdk-python-ckafka"])


def profile(method="POST", unsigned=False):
    settings = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=HOST, reqMethod=method, reqTimeout=30))
    settings.unsignedPayload = unsigned
    return settings


def scf(keys=KEYS, token=None, cls=scf_client.ScfClient, **options):
    return cls(credential.Credential(keys[0], keys[1], token), REGION, profile(**options))


def ckafka(keys=KEYS, **options):
    return ckafka_client.CkafkaClient(credential.Credential(*keys), REGION, profile(**options))


def invoke(client, invocation_type, event, function=FUNCTION):
    request = scf_models.InvokeRequest()
    request.FunctionName = function
    request.InvocationType = invocation_type
    request.ClientContext = json.dumps(event)
    return client.Invoke(request)


def describe(client, topic=TOPIC, instance=INSTANCE):
    request = ckafka_models.DescribeTopicAttributesRequest()
    request.InstanceId = instance
    request.TopicName = topic
    return client.DescribeTopicAttributes(request)


def echoed(answer):
    expect_equal(answer.Result.InvokeResult, 0, "InvokeResult")
    return json.loads(answer.Result.RetMsg)["event"]


# SCF Invoke ----------------------------------------------------------------------------------------

EVENT = {"topic": "t", "partition": 3, "text": "a b&c=d+e %41 é"}


@checks.check("Invoke RequestResponse (POST, JSON): the function gets the event and its answer comes back")
def invoke_sync():
    expect_equal(echoed(invoke(scf(), "RequestResponse", EVENT)), EVENT, "event echoed")


@checks.check("Invoke RequestResponse by GET (parameters in the query string)")
def invoke_get():
    expect_equal(echoed(invoke(scf(method="GET"), "RequestResponse", EVENT)), EVENT, "event echoed")


@checks.check("Invoke RequestResponse with X-TC-Content-SHA256: UNSIGNED-PAYLOAD")
def invoke_unsigned_payload():
    expect_equal(echoed(invoke(scf(unsigned=True), "RequestResponse", EVENT)), EVENT, "event echoed")


@checks.check("Invoke Event answers at once with the request id of the queued invocation")
def invoke_async():
    answer = invoke(scf(), "Event", {"async": True, "n": 1})
    request_id = answer.Result.FunctionRequestId
    if not request_id:
        raise AssertionError("no FunctionRequestId in %s" % answer.to_json_string())
    # The test that runs this script checks that the emulator ran this invocation with this event.
    return {"eventRequestId": request_id}


@checks.check("Invoke of an unknown function answers ResourceNotFound.Function")
def invoke_unknown():
    expect_error(lambda: invoke(scf(), "RequestResponse", {}, function="no-such-function"), None, "ResourceNotFound.Function", "unknown function")


@checks.check("wrong SecretKey: AuthFailure.SignatureFailure; unknown SecretId: AuthFailure.SecretIdNotFound")
def invoke_bad_keys():
    expect_error(lambda: invoke(scf(keys=(KEYS[0], "wrong-key")), "RequestResponse", {}), None, "AuthFailure.SignatureFailure", "wrong key")
    expect_error(lambda: invoke(scf(keys=("AKIDunknown", "x")), "RequestResponse", {}), None, "AuthFailure.SecretIdNotFound", "unknown id")
    expect_error(lambda: invoke(scf(keys=(KEYS[0], "wrong-key"), method="GET"), "RequestResponse", {}), None, "AuthFailure.SignatureFailure", "wrong key by GET")
    expect_error(lambda: invoke(scf(keys=(KEYS[0], "wrong-key"), unsigned=True), "RequestResponse", {}), None, "AuthFailure.SignatureFailure", "wrong key, unsigned payload")


@checks.check("temporary credentials work with their token (X-TC-Token) and fail with AuthFailure.TokenFailure without")
def invoke_temporary():
    temp = (os.environ["API_TEMP_SECRET_ID"], os.environ["API_TEMP_SECRET_KEY"])
    expect_equal(echoed(invoke(scf(keys=temp, token=os.environ["API_TEMP_TOKEN"]), "RequestResponse", EVENT)), EVENT, "with token")
    expect_error(lambda: invoke(scf(keys=temp), "RequestResponse", {}), None, "AuthFailure.TokenFailure", "without token")


class OtherHostScf(scf_client.ScfClient):
    """Signs for the endpoint, then sends another Host: the signature must not hold for it."""

    def _build_req_inter(self, action, params, req, options=None):
        super()._build_req_inter(action, params, req, options)
        req.header["Host"] = "scf.tencentcloudapi.com"


@checks.check("a signature for one host sent with another Host is refused (AuthFailure.SignatureFailure)")
def invoke_other_host():
    expect_error(lambda: invoke(scf(cls=OtherHostScf), "RequestResponse", {}), None, "AuthFailure.SignatureFailure", "other host")


# CKafka DescribeTopicAttributes --------------------------------------------------------------------


@checks.check("DescribeTopicAttributes answers the topic's partitions from the broker, by POST and by GET")
def describe_topic():
    for method in ("POST", "GET"):
        result = describe(ckafka(method=method)).Result
        expect_equal(result.PartitionNum, PARTITIONS, "PartitionNum (%s)" % method)
        expect_equal([p.Partition for p in result.Partitions], list(range(PARTITIONS)), "partition ids (%s)" % method)
        if not re.match(r"^topic-[0-9a-z]{8}$", result.TopicId):
            raise AssertionError("TopicId %r is not topic-xxxxxxxx" % result.TopicId)


@checks.check("DescribeTopicAttributes of an unknown topic: ResourceNotFound; of an unknown instance: InvalidParameterValue.InstanceNotExist")
def describe_unknown():
    expect_error(lambda: describe(ckafka(), topic="no-such-topic-for-python"), None, "ResourceNotFound", "unknown topic")
    expect_error(lambda: describe(ckafka(), instance="ckafka-nope"), None, "InvalidParameterValue.InstanceNotExist", "unknown instance")


@checks.check("DescribeTopicAttributes with a wrong SecretKey: AuthFailure.SignatureFailure")
def describe_bad_keys():
    expect_error(lambda: describe(ckafka(keys=(KEYS[0], "wrong-key"))), None, "AuthFailure.SignatureFailure", "wrong key")
    expect_error(lambda: describe(ckafka(keys=("AKIDunknown", "x"))), None, "AuthFailure.SecretIdNotFound", "unknown id")


if __name__ == "__main__":
    sys.exit(checks.run())
