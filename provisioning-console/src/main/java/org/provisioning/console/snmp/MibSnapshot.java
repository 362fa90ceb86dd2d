package org.provisioning.console.snmp;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Every instance the agent serves at one moment, in OID order: a GET finds one, a GETNEXT the next
 * one (RFC 3416 §4.2.1-4.2.3). One snapshot answers a whole walk step or GETBULK, so the values of
 * one response are read together.
 */
final class MibSnapshot {
  private final NavigableMap<OID, Variable> values;
  private final List<OID> objects;

  /**
   * @param objects the OIDs of the object types served (columns, scalars without .0): a GET under
   *     one of them that finds nothing is noSuchInstance, elsewhere noSuchObject
   */
  MibSnapshot(NavigableMap<OID, Variable> values, List<OID> objects) {
    this.values = values;
    this.objects = objects;
  }

  VariableBinding get(OID oid) {
    Variable value = values.get(oid);
    if (value != null) {
      return new VariableBinding(oid, value);
    }
    for (OID object : objects) {
      if (oid.size() > object.size() && oid.startsWith(object)) {
        return new VariableBinding(oid, Null.noSuchInstance);
      }
    }
    return new VariableBinding(oid, Null.noSuchObject);
  }

  VariableBinding next(OID oid) {
    Map.Entry<OID, Variable> next = values.higherEntry(oid);
    return next == null
        ? new VariableBinding(oid, Null.endOfMibView)
        : new VariableBinding(next.getKey(), next.getValue());
  }

  int size() {
    return values.size();
  }
}
