package dev.interactiondemo.api.lesson;

/** A figure of a demo's status a hypothesis can be about; each is read from the status the operator writes. */
public enum Figure {
    /** status.messages.produced: notifications in the topic. */
    produced,
    /** status.messages.consumed: notifications the Workers committed. */
    consumed,
    /** status.messages.lag: notifications waiting in Kafka for the Workers. */
    lag,
    /** status.messages.producedPerSecond. */
    producedPerSecond,
    /** status.messages.consumedPerSecond. */
    consumedPerSecond,
    /** status.delivery.delivered: distinct notifications the Workers processed. */
    delivered,
    /** status.delivery.lost: notifications produced that no Worker processed. */
    lost,
    /** status.delivery.duplicates: notifications processed more than once. */
    duplicates,
    /** status.delivery.endToEndLatencyP50Ms: from the Host's publish to a Worker's processing. */
    endToEndP50Ms,
    /** status.delivery.endToEndLatencyP99Ms. */
    endToEndP99Ms,
    /** status.delivery.waitInKafkaP50Ms: from the Host's send to the Worker's poll that took it. */
    waitInKafkaP50Ms,
    /** status.delivery.waitInKafkaP99Ms. */
    waitInKafkaP99Ms,
    /** status.delivery.recordsPerPollP50: notifications per Worker poll that returned some. */
    recordsPerPollP50,
    /** status.delivery.recordsPerPollMax: the most notifications one poll returned lately. */
    recordsPerPollMax,
    /** status.greeter.errorRate: the share of the Host's Greeter calls that failed. */
    greeterErrorRate,
    /** status.greeter.callLatencyP99Ms: the Host's Greeter calls. */
    greeterCallP99Ms,
    /** status.greeter.hostBlocked: 1 when the Host waits on the Greeter, else 0. */
    hostBlocked,
    /** 1 when the condition Ready is True (every part available, the topic ready, messages flowing), else 0. */
    ready,
    /** 1 when the condition GreeterAvailable is True, else 0. */
    greeterAvailable,
    /** 1 when the condition MessagesFlowing is True, else 0. */
    messagesFlowing,
    /** status.worker.readyReplicas: Workers running. */
    workers,
    /** status.worker.members: members of the Workers' consumer group. */
    workerMembers,
    /** Members of the Workers' consumer group with no partition assigned. */
    idleWorkers,
    /** status.topic.partitions. */
    partitions
}
