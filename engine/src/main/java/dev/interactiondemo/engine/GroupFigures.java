package dev.interactiondemo.engine;

import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.status.PartitionLag;
import dev.interactiondemo.kafka.OffsetReader;

/** The Workers' consumer group as a demo's status shows it, from a reading of Kafka: the operator's and the sandbox's. */
public final class GroupFigures {

    private GroupFigures() {
    }

    /** A member of the group, with its partitions. */
    public static ConsumerMember member(OffsetReader.GroupMember m) {
        ConsumerMember member = new ConsumerMember();
        member.setClientId(m.clientId());
        member.setHost(m.host());
        member.setPartitions(m.partitions());
        return member;
    }

    /** A partition: its end, the group's committed offset, the lag. */
    public static PartitionLag lag(OffsetReader.PartitionOffsets p) {
        PartitionLag l = new PartitionLag();
        l.setPartition(p.partition());
        l.setEnd(p.end());
        l.setCommitted(p.committed());
        l.setLag(p.lag());
        return l;
    }
}
